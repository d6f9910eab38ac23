internal import CCurl

/// The `CURLM` that drives every transfer of one client.
///
/// `@unchecked Sendable` because the pointer is shared on purpose: libcurl documents
/// `curl_multi_wakeup` as safe to call from any thread, and that is the only call
/// made off the transport thread. Every other use (setopt, perform, poll, add,
/// remove, cleanup) happens on the transport thread alone, and `cleanup()` runs only
/// after the transport has seen every pending wake-up finish.
final class CurlMultiHandle: @unchecked Sendable {
    /// The libcurl handle.
    let raw: UnsafeMutableRawPointer
    private var isCleanedUp = false

    /// Creates a multi handle with a connection pool of `maxConnections`; nil when libcurl cannot.
    init?(maxConnections: Int) {
        guard let raw = curl_multi_init() else { return nil }
        self.raw = raw
        let limit = max(1, maxConnections)
        // Total open connections (extra transfers wait in libcurl's queue) and the idle pool size.
        _ = switchboard_curl_multi_setopt_long(raw, CURLMOPT_MAX_TOTAL_CONNECTIONS, limit)
        _ = switchboard_curl_multi_setopt_long(raw, CURLMOPT_MAXCONNECTS, limit)
        _ = switchboard_curl_multi_setopt_long(raw, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
    }

    /// Interrupts a `curl_multi_poll` in progress, or makes the next one return at once.
    func wakeUp() {
        _ = curl_multi_wakeup(raw)
    }

    /// Closes pooled connections and frees the handle; transport thread only, once.
    func cleanup() {
        guard !isCleanedUp else { return }
        isCleanedUp = true
        _ = curl_multi_cleanup(raw)
    }

    deinit {
        cleanup()
    }
}
