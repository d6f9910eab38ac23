import Foundation
import Testing
@testable import SwitchboardCore

@Suite("Configuration: an integration's key block")
struct ConfigKeyErrorTests {
    /// `minimal` with the payments key block replaced by `block` (written at the `key:` indentation).
    static func withKey(_ block: String) -> String {
        ConfigFixture.minimal.replacingOccurrences(of: "    key: { env: POLYAI_KEY_PAYMENTS }", with: block)
    }

    @Test("a key written inline is refused, and its value is never echoed")
    func inlineValue() {
        let result = ConfigFixture.load(Self.withKey("    key: { value: sk-live-abcdefgh1234 }"))
        #expect(result.printed == [
            "/srv/switchboard/q.yaml:8:12: error: integrations.payments.key.value: keys are never written inline: use env or file",
        ])
        #expect(!result.printed.joined().contains("abcdefgh"))
    }

    @Test("env and file together, or neither, is an error")
    func envAndFile() {
        let both = ConfigFixture.load(Self.withKey("    key: { env: K, file: /run/secrets/k }"))
        #expect(both.printed == [
            "/srv/switchboard/q.yaml:8:26: error: integrations.payments.key.file: set either env or file, not both",
        ])
        let neither = ConfigFixture.load(Self.withKey("    key:\n      agents: all"))
        #expect(neither.printed == [
            "/srv/switchboard/q.yaml:9:7: error: integrations.payments.key: set env (an environment variable name) or file (a path) to say where the key is",
        ])
        let badName = ConfigFixture.load(Self.withKey("    key: { env: 1KEY }"))
        #expect(badName.printed == [
            "/srv/switchboard/q.yaml:8:17: error: integrations.payments.key.env: expected an environment variable name (letters, digits, '_')",
        ])
    }

    @Test("permissions outside the known three are errors at the item")
    func permissions() {
        let result = ConfigFixture.load(Self.withKey("    key:\n      env: K\n      permissions: [external_events, admin]"))
        #expect(result.printed == [
            "/srv/switchboard/q.yaml:10:38: error: integrations.payments.key.permissions[1]: expected one of: external_events, conversations_data, handoff",
        ])
    }

    @Test("agents is all, or a non-empty list of agent ids without all")
    func agents() {
        let mixed = ConfigFixture.load(Self.withKey("    key:\n      env: K\n      agents: [PROJECT-1, all]"))
        #expect(mixed.printed == [
            "/srv/switchboard/q.yaml:10:27: error: integrations.payments.key.agents[1]: 'all' cannot be combined with agent ids",
        ])
        let empty = ConfigFixture.load(Self.withKey("    key:\n      env: K\n      agents: []"))
        #expect(empty.printed == [
            "/srv/switchboard/q.yaml:10:15: error: integrations.payments.key.agents: name at least one agent (project id), or write all",
        ])
        let single = ConfigFixture.load(Self.withKey("    key:\n      env: K\n      agents: PROJECT-9"))
        #expect(single.config?.integrations.first?.key.agents == .some(["PROJECT-9"]))
    }

    @Test("expires must be a real date")
    func expires() {
        let result = ConfigFixture.load(Self.withKey("    key:\n      env: K\n      expires: 2027-02-30"))
        #expect(result.printed == [
            "/srv/switchboard/q.yaml:10:16: error: integrations.payments.key.expires: expected a date such as 2027-03-01 (or 2027-03-01T12:00:00Z)",
        ])
    }

    @Test("a key file path is made absolute against the configuration's directory")
    func relativeKeyFile() {
        let result = ConfigFixture.load(Self.withKey("    key: { file: ../secrets/./payments }"))
        #expect(result.config?.integrations.first?.key.source == .file("/srv/secrets/payments"))
    }
}
