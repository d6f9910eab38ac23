import Foundation
import Yams

/// The keys the sandbox accepts, read from a YAML keys file, and the checks PolyAI makes with them.
///
/// ```yaml
/// keys:
///   - name: quickstart
///     key: sk-sandbox-quickstart-0001     # or env: VAR_NAME
///     account_id: ws-sandbox              # optional
///     agents: [PROJECT-QUICKSTART]        # or: all
///     permissions: [external_events]
///     expires: 2030-01-01                 # optional; the key stops working at 00:00 UTC that day
/// ```
struct SandboxKeyring: Sendable {
    /// Keys by secret value; nil means "no keys file: accept any non-empty key".
    private let keysBySecret: [String: SandboxKey]?

    /// True when any non-empty key is accepted.
    var isOpen: Bool { keysBySecret == nil }
    /// How many keys the file defined.
    var count: Int { keysBySecret?.count ?? 0 }

    /// A keyring that accepts any non-empty key with every permission for every agent.
    static let open = SandboxKeyring(keysBySecret: nil)

    private init(keysBySecret: [String: SandboxKey]?) {
        self.keysBySecret = keysBySecret
    }

    /// Builds a keyring from checked keys.
    init(keys: [SandboxKey]) {
        var bySecret: [String: SandboxKey] = [:]
        for key in keys {
            bySecret[key.secret] = key
        }
        self.keysBySecret = bySecret
    }

    /// Reads and checks a keys file; `environment` resolves `env:` entries.
    static func load(path: String, environment: [String: String]) throws(SandboxError) -> SandboxKeyring {
        let text: String
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard let decoded = String(data: data, encoding: .utf8) else {
                throw SandboxError(kind: .keysFile, file: path, reason: "the keys file is not UTF-8 text")
            }
            text = decoded
        } catch let error as SandboxError {
            throw error
        } catch {
            throw SandboxError(kind: .keysFile, file: path, reason: "cannot read the keys file (\(Self.readFailure(error)))")
        }
        return try parse(yaml: text, file: path, environment: environment)
    }

    /// Checks the `X-Api-Key` value alone: a missing, unknown or expired key is a `401`.
    func authenticate(_ apiKey: String?, now: Date) -> Result<SandboxKey, WebhookRejection> {
        guard let apiKey, !apiKey.isEmpty else {
            return .failure(.missingKey)
        }
        guard let keysBySecret else {
            return .success(.openAccess)
        }
        guard let key = keysBySecret[apiKey] else {
            return .failure(.unknownKey)
        }
        if let expires = key.expires, now >= expires {
            return .failure(.expiredKey)
        }
        return .success(key)
    }

    /// Checks what an authenticated key may do: permission, account and agent are `403`s.
    static func authorize(_ key: SandboxKey, accountID: String, projectID: String) -> WebhookRejection? {
        guard key.permissions.contains(SandboxKey.externalEventsPermission) else {
            return .missingPermission
        }
        if let keyAccount = key.accountID, keyAccount != accountID {
            return .otherAccount(accountID)
        }
        guard key.agents.contains(projectID) else {
            return .projectNotAllowed(projectID)
        }
        return nil
    }

    /// A short reason for a failed read, without a Foundation error dump.
    private static func readFailure(_ error: any Error) -> String {
        let nsError = error as NSError
        if nsError.domain == NSCocoaErrorDomain {
            switch nsError.code {
            case NSFileReadNoSuchFileError: return "no such file"
            case NSFileReadNoPermissionError: return "permission denied"
            default: break
            }
        }
        return nsError.localizedDescription
    }
}
