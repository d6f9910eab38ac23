import Hummingbird

/// The URL a caller used, rebuilt for signature schemes that sign it (HubSpot v3, Twilio, `{url}` in `mapping`).
///
/// HTTP/1's `Host` header arrives as the request's authority (HTTPTypes keeps it out of the header fields), and the
/// path and query are taken exactly as sent. `X-Forwarded-Proto` and `X-Forwarded-Host` replace the scheme and
/// authority only when `webhook.trust_forwarded_headers` is on: otherwise any caller could pick the URL verified.
enum RequestURL {
    /// `scheme://authority/path?query`, or nil when the request names no usable authority.
    static func rebuild(_ request: Request, trustForwardedHeaders: Bool, scheme listenerScheme: String = "http") -> String? {
        var scheme = listenerScheme
        var authority = request.head.authority
        if trustForwardedHeaders {
            if let forwarded = firstValue(request.headers[values: .init("X-Forwarded-Proto")!]) {
                let lower = forwarded.lowercased()
                if lower == "http" || lower == "https" { scheme = lower }
            }
            if let forwarded = firstValue(request.headers[values: .init("X-Forwarded-Host")!]) {
                authority = forwarded
            }
        }
        guard let authority, isAuthority(authority), let target = request.head.path, target.hasPrefix("/") else { return nil }
        return scheme + "://" + authority + target
    }

    /// The first entry of a list-valued header (`a, b` from two proxies: the first is the client's side).
    static func firstValue(_ values: [String]) -> String? {
        guard let first = values.first else { return nil }
        let entry = first.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? first
        let trimmed = entry.trimmingCharacters(in: " \t")
        return trimmed.isEmpty ? nil : trimmed
    }

    /// A host with an optional port: no spaces, controls or URL delimiters that would change what the URL means.
    static func isAuthority(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 255 && text.utf8.allSatisfy { byte in
            byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: "/") && byte != UInt8(ascii: "?") && byte != UInt8(ascii: "#")
                && byte != UInt8(ascii: "@") && byte != UInt8(ascii: "\\")
        }
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var scalars = Substring(self)
        while let first = scalars.first, set.contains(first) { scalars.removeFirst() }
        while let last = scalars.last, set.contains(last) { scalars.removeLast() }
        return String(scalars)
    }
}
