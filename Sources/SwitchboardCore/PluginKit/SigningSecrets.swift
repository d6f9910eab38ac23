/// The provider's signing secrets of one integration: one, or several while the provider rotates them.
///
/// Read from `options.signing_secret`, written as `${VAR}` or `${file:...}`; a string, or a list during rotation.
/// A request is genuine when its signature matches the code of any of them. The values never appear in a
/// description, a dump, a log or an error.
///
/// ```swift
/// guard let secrets = SigningSecrets.read(options) else { return nil }
/// let ok = secrets.matches(message: Array("\(t).".utf8) + event.body, signatures: [given], digest: .sha256)
/// ```
public struct SigningSecrets: Sendable {
    private let keys: [[UInt8]]

    /// Holds these secrets (their UTF-8 bytes are the HMAC keys); nil when the list is empty or any is empty.
    public init?(_ secrets: [String]) {
        guard !secrets.isEmpty, secrets.allSatisfy({ !$0.isEmpty }) else { return nil }
        keys = secrets.map { Array($0.utf8) }
    }

    /// How many secrets are held.
    public var count: Int { keys.count }

    /// Reads the option `key` (default `signing_secret`): required, a non-empty string or list of them.
    ///
    /// Warns when a secret is written inline instead of through `${VAR}` or `${file:...}`. Never echoes a value.
    public static func read(_ options: ConfigReader, key: String = "signing_secret", what: String = "signing secret") -> SigningSecrets? {
        guard let node = options.value(key, required: true) else { return nil }
        let nodes: [ConfigNode]
        switch node.kind {
        case .scalar:
            nodes = [node]
        case .sequence:
            nodes = node.elements
            if nodes.isEmpty {
                options.diagnostics.error("list at least one \(what)", at: node)
                return nil
            }
        case .mapping, .null:
            options.diagnostics.error("expected the \(what) as a string, or a list of them during rotation, found \(node.kindDescription)", at: node)
            return nil
        }
        var values: [String] = []
        var failed = false
        for element in nodes {
            guard let text = element.string(options.diagnostics) else {
                failed = true
                continue
            }
            if text.isEmpty {
                options.diagnostics.error("the \(what) is empty (is its variable or file empty?)", at: element)
                failed = true
                continue
            }
            if !element.isInterpolated {
                options.diagnostics.warning("write the \(what) as ${VAR} or ${file:/path}, not inline in the file", at: element)
            }
            values.append(text)
        }
        guard !failed else { return nil }
        return SigningSecrets(values)
    }

    /// Whether any of `signatures` equals the `digest` code of `message` under any secret (constant-time compares).
    public func matches(message: [UInt8], signatures: [[UInt8]], digest: HMACDigest) -> Bool {
        guard !signatures.isEmpty else { return false }
        var matched = false
        for key in keys {
            let expected = digest.code(key: key, message: message)
            for signature in signatures where ConstantTime.equals(expected, signature) {
                matched = true
            }
        }
        return matched
    }

    /// Whether `candidate` is exactly one of the secrets (a shared token, a password).
    ///
    /// SHA-256 digests are compared in constant time, so neither a secret's length nor where it differs shows.
    public func contains(_ candidate: [UInt8]) -> Bool {
        let given = HMACDigest.sha256(candidate)
        var matched = false
        for key in keys where ConstantTime.equals(HMACDigest.sha256(key), given) {
            matched = true
        }
        return matched
    }
}

extension SigningSecrets: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The number of secrets, never a value.
    public var description: String { "SigningSecrets(\(keys.count) secret\(keys.count == 1 ? "" : "s"), hidden)" }
    /// Same as `description`.
    public var debugDescription: String { description }
    /// Mirrors the count only, so `dump` cannot print a secret.
    public var customMirror: Mirror { Mirror(self, children: ["count": keys.count], displayStyle: .struct) }
}
