import Foundation
import Testing

import SwitchboardSandbox

@Suite("A bad keys file or bad options stop the sandbox before it listens, with a precise error")
struct KeysFileTests {
    static let secret = "sk-very-secret-value-1234"

    func loadError(_ yaml: String) throws -> SandboxError {
        let path = try writeKeysFile(yaml)
        do {
            _ = try Sandbox(options: SandboxOptions(keysFile: path), logger: quietLogger())
        } catch {
            #expect(error.kind == .keysFile)
            #expect(error.file == path)
            #expect(!error.description.contains(Self.secret), "the error shows a key: \(error)")
            return error
        }
        Issue.record("the keys file was accepted")
        return SandboxError(kind: .keysFile, reason: "accepted")
    }

    @Test("broken YAML is reported with line and column, without the file's text")
    func brokenYAML() throws {
        let error = try loadError("keys:\n  - name: a\n    key: \(Self.secret)\n   agents: [x]: y\n")
        #expect(error.line == 4)
        #expect(error.column != nil)
        #expect(error.reason.hasPrefix("not valid YAML"))
    }

    @Test("an unknown field is named with its place")
    func unknownField() throws {
        let error = try loadError(
            """
            keys:
              - name: a
                key: \(Self.secret)
                agents: all
                permissions: [external_events]
                expiry: 2030-01-01
            """)
        #expect(error.line == 6)
        #expect(error.column == 5)
        #expect(error.reason == "keys[0]: unknown field 'expiry' (known: account_id, agents, env, expires, key, name, permissions)")
    }

    @Test("missing agents, unknown permissions and bad dates are explained")
    func missingOrWrongValues() throws {
        let noAgents = try loadError("keys:\n  - key: \(Self.secret)\n    permissions: [external_events]\n")
        #expect(noAgents.reason == "keys[0].agents is required: a list of project ids, or `all`")

        let badPermission = try loadError(
            "keys:\n  - key: \(Self.secret)\n    agents: all\n    permissions: [external_event]\n")
        #expect(
            badPermission.reason
                == "keys[0].permissions: unknown permission 'external_event' (known: conversations_data, external_events, handoff)"
        )

        let badDate = try loadError(
            "keys:\n  - key: \(Self.secret)\n    agents: all\n    permissions: [external_events]\n    expires: 2030-02-30\n")
        #expect(badDate.reason == "keys[0].expires must be a date like 2030-01-01 or a time like 2030-01-01T12:00:00Z")
        #expect(badDate.line == 5)
    }

    @Test("one key value used twice is refused, naming both keys but not the value")
    func duplicateValue() throws {
        let error = try loadError(
            """
            keys:
              - name: first
                key: \(Self.secret)
                agents: all
                permissions: [external_events]
              - name: second
                key: \(Self.secret)
                agents: all
                permissions: [external_events]
            """)
        #expect(error.reason == "keys[1]: key 'second' has the same value as key 'first'")
    }

    @Test("an env: key whose variable is unset is refused")
    func unsetVariable() throws {
        let error = try loadError(
            "keys:\n  - name: e\n    env: SWITCHBOARD_SANDBOX_TEST_UNSET_VARIABLE\n    agents: all\n    permissions: [external_events]\n")
        #expect(error.reason == "keys[0].env: environment variable SWITCHBOARD_SANDBOX_TEST_UNSET_VARIABLE (key 'e') is not set")
    }

    @Test("an empty key list is refused, since every request would fail")
    func emptyList() throws {
        let error = try loadError("keys: []\n")
        #expect(error.reason == "`keys` is empty: every request would be refused")
    }

    @Test("a missing keys file is reported by path")
    func missingFile() throws {
        let path = "/nonexistent/switchboard/keys.yaml"
        #expect {
            _ = try Sandbox(options: SandboxOptions(keysFile: path), logger: quietLogger())
        } throws: { error in
            guard let error = error as? SandboxError else { return false }
            return error.kind == .keysFile && error.description == "\(path): cannot read the keys file (no such file)"
        }
    }

    @Test("unusable options are refused before anything listens")
    func badOptions() throws {
        #expect {
            _ = try Sandbox(options: SandboxOptions(maxBodyBytes: 0), logger: quietLogger())
        } throws: { error in
            (error as? SandboxError)?.description == "sandbox: maxBodyBytes must be positive, got 0"
        }
        #expect {
            _ = try Sandbox(options: SandboxOptions(faults: SandboxFaults(dropRate: -1)), logger: quietLogger())
        } throws: { error in
            (error as? SandboxError)?.kind == .options
        }
    }

    @Test("a second sandbox on a port already in use fails with a server error, and reports no port")
    func portInUse() async throws {
        try await withSandbox(SandboxOptions()) { client in
            let second = try Sandbox(options: SandboxOptions(port: client.port), logger: quietLogger())
            await #expect(throws: SandboxError.self) {
                try await second.run()
            }
            #expect(await second.boundPort() == 0)
        }
    }
}
