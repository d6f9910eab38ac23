/// The URL a provider calls, for signature schemes that sign it (HubSpot v3, Twilio): the `public_url` option.
///
/// Behind a proxy the request Switchboard sees differs from the one the provider signed. `public_url` names the
/// URL the provider calls, without query or fragment: the query string of each request is appended as received.
/// Without it, the URL is rebuilt from the request (its `Host`, path and query as sent; the scheme and host from
/// `X-Forwarded-Proto`/`-Host` only with `webhook.trust_forwarded_headers`).
public struct PublicURL: Sendable, Equatable {
    /// The configured URL, if any.
    public var configured: String?

    /// Makes a setting.
    public init(configured: String? = nil) {
        self.configured = configured
    }

    /// Reads the optional `public_url` option: an absolute `http://` or `https://` URL without a fragment.
    public static func read(_ options: ConfigReader) -> PublicURL? {
        guard let node = options.value("public_url") else { return options.has("public_url") ? nil : PublicURL() }
        guard let text = node.string(options.diagnostics) else { return nil }
        let lower = text.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") {
            rest = text.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            rest = text.dropFirst(7)
        } else {
            options.diagnostics.error("expected an absolute URL starting with https:// (or http://)", at: node)
            return nil
        }
        guard let host = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first, !host.isEmpty,
              !text.contains(where: \.isWhitespace), !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            options.diagnostics.error("expected a URL such as https://hooks.example.com/hooks/twilio (a host, no spaces)", at: node)
            return nil
        }
        guard !text.unicodeScalars.contains("?"), !text.unicodeScalars.contains("#") else {
            options.diagnostics.error(
                "public_url must not contain '?' or '#': give the URL without its query (each request's query is appended as received)",
                at: node
            )
            return nil
        }
        return PublicURL(configured: text)
    }

    /// The URL the provider signed for this request; nil when it cannot be known.
    public func signedURL(for event: InboundEvent) -> String? {
        guard let configured else { return event.requestURL }
        // By scalar, not by character: a `?` followed by a combining mark is one character, and still the query.
        guard let requested = event.requestURL, let question = requested.unicodeScalars.firstIndex(of: "?") else { return configured }
        return configured + String(requested.unicodeScalars[question...])
    }
}
