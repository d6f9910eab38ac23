import Foundation

/// Reads each integration's key from its environment variable or file.
public enum KeyLoader {
    /// The key of one integration, or an issue naming the variable or file (never the value).
    public static func load(_ key: KeyConfig, integration: String, environment: [String: String]) -> Result<APIKey, KeyLoadError> {
        let path = "integrations.\(integration).key"
        switch key.source {
        case .env(let variable):
            guard let value = environment[variable] else {
                return .failure(KeyLoadError(issue: issue("environment variable \(variable) is not set", path: path, key: key)))
            }
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else {
                return .failure(KeyLoadError(issue: issue("environment variable \(variable) is empty", path: path, key: key)))
            }
            return checked(trimmed, origin: "environment variable \(variable)", path: path, key: key)
        case .file(let file):
            guard let data = FileManager.default.contents(atPath: file) else {
                return .failure(KeyLoadError(issue: issue("key file \(file) cannot be read", path: path, key: key)))
            }
            let trimmed = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else {
                return .failure(KeyLoadError(issue: issue("key file \(file) is empty", path: path, key: key)))
            }
            return checked(trimmed, origin: "key file \(file)", path: path, key: key)
        }
    }

    /// A key is one token: spaces, line breaks or control characters mean a wrong file (two keys, a note).
    private static func checked(_ value: String, origin: String, path: String, key: KeyConfig) -> Result<APIKey, KeyLoadError> {
        if value.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) {
            return .failure(KeyLoadError(issue: issue("\(origin) holds more than one key-like token (spaces, line breaks or control characters)", path: path, key: key)))
        }
        return .success(APIKey(value))
    }

    private static func issue(_ message: String, path: String, key: KeyConfig) -> ConfigIssue {
        ConfigIssue(severity: .error, position: key.position, path: path, message: message)
    }
}

/// A key that could not be read, as a configuration issue.
public struct KeyLoadError: Error, Sendable {
    /// The issue to report.
    public var issue: ConfigIssue
}
