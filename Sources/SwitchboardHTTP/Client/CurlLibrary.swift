internal import CCurl

/// libcurl's process-wide set-up, done once before the first handle is made.
enum CurlLibrary {
    /// The result of `curl_global_init`, computed on first use (Swift runs a global's initialiser once).
    static let initialised: Bool = switchboard_curl_global_init_all() == CURLE_OK
}
