import SwitchboardCore

/// How `mapping` checks that a webhook comes from its caller: one method per integration.
///
/// ```yaml
/// options:
///   verify: { hmac: { header: X-Signature, secret: "${SECRET}" } }
///   # or: verify: { token: { header: X-Webhook-Token, value: "${TOKEN}" } }
///   # or: verify: { basic: { username: crm, password: "${PASSWORD}" } }
/// ```
/// Only webhook requests are checked: a Kafka message is accepted (Kafka has its own authentication). A refusal
/// is answered `401` with no detail and counted by the listener; the reason is only logged.
public enum MappingVerification: Sendable {
    /// A signature over the body (and optionally a timestamp, the method, the URL).
    case hmac(HMACVerification)
    /// A shared token in a header.
    case token(TokenVerification)
    /// HTTP basic authentication.
    case basic(BasicVerification)

    /// The method names, as written under `verify`.
    static let methods = ["hmac", "token", "basic"]

    /// Checks a webhook request; Kafka messages are accepted.
    public func verify(_ event: InboundEvent) -> Verification {
        guard case .webhook = event.source else { return .accepted }
        switch self {
        case .hmac(let check): return check.verify(event)
        case .token(let check): return check.verify(event)
        case .basic(let check): return check.verify(event)
        }
    }

    /// Whether the check signs `{url}` (so `public_url` matters).
    var usesURL: Bool {
        if case .hmac(let check) = self { return check.signed.uses(.url) }
        return false
    }

    /// Reads the optional `verify` option; nil when absent or wrong (with issues reported).
    static func read(_ options: ConfigReader, publicURL: PublicURL, clock: any DeliveryClock) -> MappingVerification? {
        guard let reader = options.mapping("verify") else { return nil }
        defer { reader.finish() }
        let diagnostics = options.diagnostics
        let written = methods.filter { reader.keys.contains($0) }
        for name in methods {
            _ = reader.child(name)   // marked as read: a typo gets a suggestion, a second method its own error
        }
        guard let method = written.first else {
            diagnostics.error("expected one of: hmac, token, basic", path: reader.path, position: reader.position)
            return nil
        }
        for extra in written.dropFirst() {
            diagnostics.error(
                "one verification method per integration: use \(method) or \(extra), not both",
                path: reader.path(of: extra), position: reader.keyPosition(extra)
            )
        }
        guard written.count == 1, let block = reader.mapping(method, required: true) else { return nil }
        switch method {
        case "hmac": return HMACVerification.read(block, publicURL: publicURL, clock: clock).map { .hmac($0) }
        case "token": return TokenVerification.read(block).map { .token($0) }
        default: return BasicVerification.read(block).map { .basic($0) }
        }
    }

    /// Reads a required header name: an HTTP token such as `X-Signature`.
    static func headerName(_ reader: ConfigReader, _ key: String) -> String? {
        guard let node = reader.value(key, required: true), let name = node.string(reader.diagnostics) else { return nil }
        let symbols = Set("!#$%&'*+-.^_`|~".utf8)
        let isTokenByte = { (byte: UInt8) in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || symbols.contains(byte)
        }
        guard !name.isEmpty, name.utf8.allSatisfy(isTokenByte) else {
            reader.diagnostics.error("expected a header name such as X-Signature", at: node)
            return nil
        }
        return name
    }
}

/// Why a request was refused: logged and counted, never sent to the caller.
struct Refusal: Error {
    /// The reason to log.
    var reason: String

    init(_ reason: String) {
        self.reason = reason
    }
}
