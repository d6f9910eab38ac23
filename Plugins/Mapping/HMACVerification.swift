import SwitchboardCore

/// A generic HMAC signature check for callers that sign their webhooks their own way.
///
/// ```yaml
/// verify:
///   hmac:
///     header: X-Signature
///     secret: "${SECRET}"            # or a list during rotation
///     algorithm: sha256              # sha1 | sha256 | sha512
///     encoding: hex                  # hex | base64
///     prefix: "sha256="              # optional, stripped before comparing
///     timestamp: { header: X-Timestamp, tolerance: 5m, format: unix }
///     signed: "{timestamp}.{body}"   # default "{body}"
/// ```
public struct HMACVerification: Sendable {
    /// How the signature is written in its header.
    public enum Encoding: String, Sendable, CaseIterable {
        /// Hex digits, either case.
        case hex
        /// Base64, standard or URL-safe, padded or not.
        case base64
    }

    /// The header carrying the signature.
    public var header: String
    /// The shared secrets (several during rotation).
    public var secrets: SigningSecrets
    /// The keyed hash.
    public var digest: HMACDigest
    /// How the signature is written.
    public var encoding: Encoding
    /// Text before the signature in the header (`sha256=`), stripped before decoding.
    public var prefix: String?
    /// The signed time and its tolerance, when the caller sends one.
    public var timestamp: SignedTimestamp?
    /// What is signed.
    public var signed: SignedTemplate
    /// The URL the caller uses, for `{url}`.
    public var publicURL: PublicURL

    /// Makes a check.
    public init(
        header: String,
        secrets: SigningSecrets,
        digest: HMACDigest = .sha256,
        encoding: Encoding = .hex,
        prefix: String? = nil,
        timestamp: SignedTimestamp? = nil,
        signed: SignedTemplate = .body,
        publicURL: PublicURL = PublicURL()
    ) {
        self.header = header
        self.secrets = secrets
        self.digest = digest
        self.encoding = encoding
        self.prefix = prefix
        self.timestamp = timestamp
        self.signed = signed
        self.publicURL = publicURL
    }

    /// Checks the signature against every secret, then the signed time's age.
    public func verify(_ event: InboundEvent) -> Verification {
        switch check(event) {
        case .success: .accepted
        case .failure(let refusal): .rejected(reason: refusal.reason)
        }
    }

    private func check(_ event: InboundEvent) -> Result<Void, Refusal> {
        guard let value = event.headers.first(named: header) else { return .failure(Refusal("missing \(header) header")) }
        var text = Substring(value.trimmingSpaces())
        if let prefix {
            let head = text.prefix(prefix.count)
            guard head.count == prefix.count, head.lowercased() == prefix.lowercased() else {
                return .failure(Refusal("\(header) header does not start with the configured prefix"))
            }
            text = text.dropFirst(prefix.count)
        }
        let decoded = encoding == .hex ? SignatureText.hex(String(text)) : SignatureText.base64(String(text))
        guard let given = decoded, !given.isEmpty else {
            return .failure(Refusal("\(header) header is not \(encoding == .hex ? "hex" : "base64")"))
        }
        var signedAt: (text: String, millis: Int64)?
        if let timestamp {
            switch timestamp.read(from: event) {
            case .success(let found): signedAt = found
            case .failure(let refusal): return .failure(refusal)
            }
        }
        var url: String?
        if signed.uses(.url) {
            guard let known = publicURL.signedURL(for: event) else {
                return .failure(Refusal("the request URL is unknown (no Host header); set options.public_url"))
            }
            url = known
        }
        let message = signed == .body ? event.body : signed.render { placeholder in
            switch placeholder {
            case .body: event.body
            case .timestamp: Array((signedAt?.text ?? "").utf8)
            case .method: Array(event.method.utf8)
            case .url: Array((url ?? "").utf8)
            case .path: Array(Self.path(of: event).utf8)
            }
        }
        guard secrets.matches(message: message, signatures: [given], digest: digest) else {
            return .failure(Refusal("HMAC-\(digest.rawValue.uppercased()) signature matches none of the \(secrets.count) secret(s)"))
        }
        if let timestamp, let signedAt, let reason = timestamp.window.rejection(signedAtMillis: signedAt.millis) {
            return .failure(Refusal(reason))
        }
        return .success(())
    }

    /// The request path without the query, as received.
    static func path(of event: InboundEvent) -> String {
        if case .webhook(let path) = event.source { return path }
        return ""
    }

    /// Reads the `hmac` block; `publicURL` is the integration's `public_url` option.
    static func read(_ reader: ConfigReader, publicURL: PublicURL, clock: any DeliveryClock) -> HMACVerification? {
        let diagnostics = reader.diagnostics
        let errorsBefore = diagnostics.errorCount
        let header = MappingVerification.headerName(reader, "header")
        let secrets = SigningSecrets.read(reader, key: "secret", what: "HMAC secret")
        let digest = reader.oneOf("algorithm", ["sha1", "sha256", "sha512"]).flatMap(HMACDigest.init(rawValue:)) ?? .sha256
        let encoding = reader.oneOf("encoding", Encoding.allCases.map(\.rawValue)).flatMap(Encoding.init(rawValue:)) ?? .hex
        var prefix: String?
        if let node = reader.value("prefix"), let text = node.string(diagnostics) {
            if text.isEmpty || text.contains(where: { $0.isNewline }) {
                diagnostics.error("expected the text before the signature, such as sha256=", at: node)
            } else {
                prefix = text
            }
        }
        let timestamp = reader.mapping("timestamp").map { SignedTimestamp.read($0, clock: clock) }
        var signed = SignedTemplate.body
        if let node = reader.value("signed"), let text = node.string(diagnostics) {
            do throws(SignedTemplate.ParseError) {
                signed = try SignedTemplate(parsing: text)
            } catch {
                diagnostics.error(error.message, at: node)
            }
            if signed.uses(.timestamp), !reader.has("timestamp") {
                diagnostics.error("{timestamp} is signed but no timestamp is configured; add timestamp: { header: ... }", at: node)
            }
        }
        if reader.has("timestamp"), !signed.uses(.timestamp) {
            diagnostics.warning(
                "the timestamp is checked but not signed, so a replay can change it; add {timestamp} to signed",
                path: reader.path(of: "timestamp"), position: reader.keyPosition("timestamp")
            )
        }
        reader.finish()
        guard diagnostics.errorCount == errorsBefore, let header, let secrets else { return nil }
        return HMACVerification(
            header: header, secrets: secrets, digest: digest, encoding: encoding, prefix: prefix,
            timestamp: timestamp ?? nil, signed: signed, publicURL: publicURL
        )
    }
}
