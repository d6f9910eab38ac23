import SwitchboardCore

/// HTTP basic authentication: `Authorization: Basic base64(username:password)`, compared in constant time.
///
/// ```yaml
/// verify: { basic: { username: crm, password: "${PASSWORD}" } }   # password: a list during rotation
/// ```
public struct BasicVerification: Sendable {
    /// The expected user name.
    public var username: String
    /// The accepted passwords.
    public var passwords: SigningSecrets

    /// Makes a check.
    public init(username: String, passwords: SigningSecrets) {
        self.username = username
        self.passwords = passwords
    }

    /// Accepts a request whose `Authorization` header carries the user name and one of the passwords.
    public func verify(_ event: InboundEvent) -> Verification {
        guard let value = event.headers.first(named: "Authorization") else { return .rejected(reason: "missing Authorization header") }
        guard let credentials = Self.credentials(value) else {
            return .rejected(reason: "Authorization header is not Basic credentials")
        }
        // Both parts are always compared, so the time taken does not tell which one was wrong.
        let userMatches = ConstantTime.equals(HMACDigest.sha256(credentials.user), HMACDigest.sha256(Array(username.utf8)))
        let passwordMatches = passwords.contains(credentials.password)
        guard userMatches, passwordMatches else { return .rejected(reason: "Basic credentials do not match") }
        return .accepted
    }

    /// The user name and password bytes of `Basic <base64>`; nil when the header is anything else.
    static func credentials(_ header: String) -> (user: [UInt8], password: [UInt8])? {
        let text = header.trimmingSpaces()
        guard let space = text.firstIndex(of: " "), text[..<space].lowercased() == "basic" else { return nil }
        let encoded = text[space...].drop(while: { $0 == " " })
        guard !encoded.isEmpty, !encoded.contains(" "), let decoded = SignatureText.base64(String(encoded)),
              let colon = decoded.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        return (Array(decoded[..<colon]), Array(decoded[(colon + 1)...]))
    }

    /// Reads the `basic` block.
    static func read(_ reader: ConfigReader) -> BasicVerification? {
        let diagnostics = reader.diagnostics
        let errorsBefore = diagnostics.errorCount
        var username: String?
        if let node = reader.value("username", required: true), let text = node.string(diagnostics) {
            if text.isEmpty || text.contains(":") || text.contains(where: { $0.isNewline }) {
                diagnostics.error("expected a user name without ':'", at: node)
            } else {
                username = text
            }
        }
        let passwords = SigningSecrets.read(reader, key: "password", what: "password")
        reader.finish()
        guard diagnostics.errorCount == errorsBefore, let username, let passwords else { return nil }
        return BasicVerification(username: username, passwords: passwords)
    }
}
