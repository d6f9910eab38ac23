import SwitchboardCore

/// A webhook request as a provider would send it, for `OfflineBridge`: nothing is sent over a network.
public struct OfflineWebhookRequest: Sendable {
    /// The HTTP method (`POST`).
    public var method: String
    /// `http` or `https`: the scheme the provider used.
    public var scheme: String
    /// The host (and port) the provider called, sent as `Host`.
    public var authority: String
    /// The path and query as sent (`/hooks/twilio?cid=abc`).
    public var target: String
    /// The header fields, in order.
    public var headers: [Header]
    /// The body.
    public var body: [UInt8]

    /// Makes a request.
    public init(method: String = "POST", scheme: String = "http", authority: String = "127.0.0.1", target: String, headers: [Header] = [], body: [UInt8] = []) {
        self.method = method
        self.scheme = scheme
        self.authority = authority
        self.target = target
        self.headers = headers
        self.body = body
    }

    /// The request for an absolute `http://` or `https://` URL; nil when `url` is not one.
    public init?(url: String, method: String = "POST", headers: [Header] = [], body: [UInt8] = []) {
        let lower = url.lowercased()
        let scheme: String
        if lower.hasPrefix("https://") {
            scheme = "https"
        } else if lower.hasPrefix("http://") {
            scheme = "http"
        } else {
            return nil
        }
        let rest = url.dropFirst(scheme.count + 3)
        let end = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = String(rest[..<end])
        guard !authority.isEmpty, !url.contains("#"), !url.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else {
            return nil
        }
        var target = String(rest[end...])
        if !target.hasPrefix("/") { target = "/" + target }
        self.init(method: method, scheme: scheme, authority: authority, target: target, headers: headers, body: body)
    }
}
