import Foundation
import Testing
@testable import SwitchboardCore

@Suite("Least-privilege key rules")
struct KeyRulesTests {
    /// Two integrations; `first` and `second` are their key blocks (flow style, on lines 7 and 11).
    static func config(_ first: String, _ second: String = "{ env: KEY_B, agents: [PROJECT-B], permissions: [external_events], expires: 2027-06-01 }") throws -> SwitchboardConfig {
        let yaml = """
        polyai: { region: us-1, account_id: ws-1 }
        integrations:
          payments:
            plugin: mapping
            project_id: PROJECT-A
            options: {}
            key: \(first)
          bookings:
            plugin: mapping
            project_id: PROJECT-B
            key: \(second)
        routes:
          - from: { webhook: /a }
            to: payments
          - from: { webhook: /b }
            to: bookings
        """
        let loaded = ConfigLoader.load(yaml: yaml, file: "keys.yaml", environment: [:])
        return try #require(loaded.config, "\(loaded.issues)")
    }

    static let now = ISO8601DateFormatter().date(from: "2027-01-15T12:00:00Z")!
    static let keys = ["payments": APIKey("sk-payments-0001"), "bookings": APIKey("sk-bookings-0002")]

    func issues(_ config: SwitchboardConfig, keys: [String: APIKey] = KeyRulesTests.keys) -> [String] {
        KeyRules.check(config, keys: keys, now: Self.now).map(\.description)
    }

    @Test("a sound key passes with no issue")
    func soundKey() throws {
        let config = try Self.config("{ env: KEY_A, agents: [PROJECT-A], permissions: [external_events], expires: 2027-06-01 }")
        #expect(issues(config).isEmpty)
    }

    @Test("refused: the project outside the key's agents")
    func projectOutsideAgents() throws {
        let config = try Self.config("{ env: KEY_A, agents: [PROJECT-OTHER], permissions: [external_events], expires: 2027-06-01 }")
        #expect(issues(config) == ["keys.yaml:7:10: error: integrations.payments.key.agents: integration 'payments': project PROJECT-A is outside the key's agents (PROJECT-OTHER)"])
    }

    @Test("refused: no external_events permission; warned: permissions it does not need")
    func permissions() throws {
        let config = try Self.config("{ env: KEY_A, agents: [PROJECT-A], permissions: [handoff], expires: 2027-06-01 }")
        #expect(issues(config) == [
            "keys.yaml:7:10: error: integrations.payments.key.permissions: integration 'payments': key lacks the external_events permission",
            "keys.yaml:7:10: warning: integrations.payments.key.permissions: integration 'payments': key carries permissions it does not need (handoff)",
        ])
    }

    @Test("refused: an expired key; warned: expiry within 14 days")
    func expiry() throws {
        let expired = try Self.config("{ env: KEY_A, agents: [PROJECT-A], permissions: [external_events], expires: 2027-01-01 }")
        #expect(issues(expired) == ["keys.yaml:7:10: error: integrations.payments.key.expires: integration 'payments': key expired on 2027-01-02"])
        let soon = try Self.config("{ env: KEY_A, agents: [PROJECT-A], permissions: [external_events], expires: 2027-01-20 }")
        #expect(issues(soon) == ["keys.yaml:7:10: warning: integrations.payments.key.expires: integration 'payments': key expires on 2027-01-21, within 14 days"])
    }

    @Test("warned: a key scoped to all agents")
    func allAgents() throws {
        let config = try Self.config("{ env: KEY_A, agents: all, permissions: [external_events], expires: 2027-06-01 }")
        #expect(issues(config) == ["keys.yaml:7:10: warning: integrations.payments.key.agents: integration 'payments': key is scoped to all agents; a key for PROJECT-A only is safer"])
    }

    @Test("refused: one key value used by two integrations, named without the key")
    func sharedKey() throws {
        let config = try Self.config("{ env: KEY_A, agents: [PROJECT-A], permissions: [external_events], expires: 2027-06-01 }")
        let shared = ["payments": APIKey("sk-same-0003"), "bookings": APIKey("sk-same-0003")]
        let found = issues(config, keys: shared)
        #expect(found == ["keys.yaml:11:10: error: integrations.bookings.key: integration 'bookings' uses the same key as integration 'payments'; each integration needs its own key"])
        #expect(!found.joined().contains("sk-same"))
    }

    @Test("refused: a key whose variable is missing or empty, or whose file is missing or empty")
    func unreadableKeys() throws {
        let config = try Self.config("{ env: KEY_A, agents: [PROJECT-A], permissions: [external_events] }")
        let key = config.integrations[0].key
        for environment in [[:], ["KEY_A": "  \n"]] {
            guard case .failure(let failure) = KeyLoader.load(key, integration: "payments", environment: environment) else {
                Issue.record("expected a failure")
                continue
            }
            #expect(failure.issue.description.hasPrefix("keys.yaml:7:10: error: integrations.payments.key: environment variable KEY_A is"))
        }
        let empty = NSTemporaryDirectory() + "empty-\(UUID().uuidString).key"
        FileManager.default.createFile(atPath: empty, contents: Data())
        guard case .failure(let failure) = KeyLoader.load(KeyConfig(source: .file(empty)), integration: "x", environment: [:]) else {
            Issue.record("expected a failure")
            return
        }
        #expect(failure.issue.message == "key file \(empty) is empty")
    }

    @Test("refused: a key file holding two keys (a rotation half done) is refused, never sent")
    func twoKeysInOneFile() throws {
        let file = NSTemporaryDirectory() + "two-\(UUID().uuidString).key"
        try "sk-old-key-0001\nsk-new-key-0002\n".write(toFile: file, atomically: true, encoding: .utf8)
        guard case .failure(let failure) = KeyLoader.load(KeyConfig(source: .file(file)), integration: "x", environment: [:]) else {
            Issue.record("expected a failure")
            return
        }
        #expect(failure.issue.message.contains("more than one key-like token"))
        #expect(!failure.issue.description.contains("sk-old") && !failure.issue.description.contains("sk-new"))
    }
}
