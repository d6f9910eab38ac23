import SwitchboardCore

/// A shared token the caller sends in a header, compared in constant time.
///
/// ```yaml
/// verify: { token: { header: X-Webhook-Token, value: "${TOKEN}" } }   # value: a list during rotation
/// ```
public struct TokenVerification: Sendable {
    /// The header carrying the token.
    public var header: String
    /// The accepted tokens.
    public var tokens: SigningSecrets

    /// Makes a check.
    public init(header: String, tokens: SigningSecrets) {
        self.header = header
        self.tokens = tokens
    }

    /// Accepts a request whose header holds one of the tokens exactly (surrounding spaces aside).
    public func verify(_ event: InboundEvent) -> Verification {
        guard let value = event.headers.first(named: header) else { return .rejected(reason: "missing \(header) header") }
        guard tokens.contains(Array(value.trimmingSpaces().utf8)) else {
            return .rejected(reason: "\(header) matches none of the \(tokens.count) token(s)")
        }
        return .accepted
    }

    /// Reads the `token` block.
    static func read(_ reader: ConfigReader) -> TokenVerification? {
        let errorsBefore = reader.diagnostics.errorCount
        let header = MappingVerification.headerName(reader, "header")
        let tokens = SigningSecrets.read(reader, key: "value", what: "token")
        reader.finish()
        guard reader.diagnostics.errorCount == errorsBefore, let header, let tokens else { return nil }
        return TokenVerification(header: header, tokens: tokens)
    }
}
