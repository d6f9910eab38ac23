import Foundation
import Spawn
import Testing

@Suite("switchboard test: mappings tested offline")
struct TestCommandTests {
    /// The package directory, found from this file's place in `Tests/SwitchboardCLITests/`.
    static let packageDirectory: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    /// A fresh directory for one test's files.
    static func directory() throws -> String {
        let directory = NSTemporaryDirectory() + "switchboard-test-command-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("every example configuration ships a test file, and all of them pass")
    func examplesPass() async throws {
        let examples = Self.packageDirectory + "/examples"
        let configs = try FileManager.default.contentsOfDirectory(atPath: examples)
            .filter { $0.hasSuffix(".yaml") && $0 != "sandbox-keys.yaml" }
            .sorted()
        #expect(configs.count >= 8)
        try WasmFixtures.buildExample()
        for config in configs {
            let name = String(config.dropLast(".yaml".count))
            let testFile = examples + "/tests/\(name).test.yaml"
            #expect(FileManager.default.fileExists(atPath: testFile), "examples/\(config) has no examples/tests/\(name).test.yaml")
            // No key variable is set: keys need not resolve offline.
            let (status, output) = try await SwitchboardProcess.run(["test", "--config", examples + "/" + config, testFile])
            #expect(status == 0, "\(name): \(output)")
            #expect(output.contains(" passed, 0 failed"), "\(name): \(output)")
            #expect(!output.contains("✘"), "\(name): \(output)")
        }
    }

    @Test("a wrong expectation fails with a readable diff per field, the count line and exit status 1")
    func wrongExpectation() async throws {
        let directory = try Self.directory()
        let file = directory + "/wrong.test.yaml"
        try """
        tests:
          - name: the booking goes to its conversation
            request:
              path: /hooks/bookings
              headers: { Content-Type: application/json }
              body: '{"cid":"evt_1","status":"confirmed","table":4}'
            expect:
              reply: 202
              events:
                - event_id: evt_2
                  body_json: { status: cancelled, table: 4 }
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let (status, output) = try await SwitchboardProcess.run(["test", "--config", Self.packageDirectory + "/examples/quickstart.yaml", file])
        #expect(status == 1, "\(output)")
        #expect(output.contains("✘ the booking goes to its conversation"), "\(output)")
        #expect(output.contains(#"events[0].event_id: expected "evt_2", got "evt_1""#), "\(output)")
        #expect(output.contains(#"events[0].body_json.status: expected "cancelled", got "confirmed""#), "\(output)")
        #expect(!output.contains("body_json.table"), "matching keys are not reported: \(output)")
        #expect(output.contains("0 passed, 1 failed"), "\(output)")
    }

    @Test("listener limits answer as in production (413), and a key whose variable is unset does not stop the run")
    func listenerLimits() async throws {
        let directory = try Self.directory()
        let config = directory + "/switchboard.yaml"
        try """
        polyai: { region: us-1, account_id: ws-fd112d8f }
        listen: 127.0.0.1:8080
        admin: 127.0.0.1:9090
        journal: ./data
        webhook: { max_body: 1KiB }
        integrations:
          bookings:
            plugin: mapping
            project_id: PROJECT-58RP822I
            key: { env: SWITCHBOARD_TEST_UNSET_KEY, agents: [PROJECT-58RP822I], permissions: [external_events], expires: 2099-01-01 }
            options: { event_id: { from: json, path: cid } }
        routes:
          - from: { webhook: /hooks/bookings }
            to: bookings
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let large = #"{"cid":"evt_1","note":""# + String(repeating: "x", count: 2_000) + #""}"#
        let file = directory + "/limits.test.yaml"
        try """
        now: 2026-12-01T12:00:00Z
        tests:
          - name: a body over webhook.max_body gets 413
            request: { path: /hooks/bookings, headers: { Content-Type: application/json }, body: '\(large)' }
            expect: { reply: 413, events: [] }
          - name: a body within it is taken
            request: { path: /hooks/bookings, headers: { Content-Type: application/json }, body: '{"cid":"evt_1"}' }
            expect: { reply: 202, events: [ { event_id: evt_1, ordering_key: evt_1 } ] }
          - name: a GET is refused
            request: { method: GET, path: /hooks/bookings }
            expect: { reply: 405 }
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let (status, output) = try await SwitchboardProcess.run(["test", "--config", config, file])
        #expect(status == 0, "\(output)")
        #expect(output.contains("3 passed, 0 failed"), "\(output)")
    }

    @Test("an unknown key in a test file is an error naming it and its line; such a file exits 2")
    func unknownKey() async throws {
        let directory = try Self.directory()
        let file = directory + "/typo.test.yaml"
        try """
        tests:
          - name: typo
            request: { path: /hooks/bookings, body: '{}' }
            expect: { evnts: [] }
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let (status, output) = try await SwitchboardProcess.run(["test", "--config", Self.packageDirectory + "/examples/quickstart.yaml", file])
        #expect(status == 2, "\(output)")
        #expect(output.contains("typo.test.yaml:4:15: error: tests[0].expect.evnts: unknown key 'evnts' (did you mean 'events'?)"), "\(output)")
    }

    @Test("a configuration with errors fails with its positions, and no test passes")
    func invalidConfig() async throws {
        let directory = try Self.directory()
        let config = directory + "/broken.yaml"
        try """
        polyai: { region: us-1, account_id: ws-fd112d8f }
        listen: 127.0.0.1:8080
        admin: 127.0.0.1:9090
        journal: ./data
        integrations:
          bookings:
            plugin: mapping
            project_id: PROJECT-58RP822I
            key: { env: KEY, agents: [PROJECT-58RP822I] }
            options: { event_id: { from: json, path: cid }, secret: "${NOT_IN_THE_TEST_FILE}" }
        routes:
          - from: { webhook: /hooks/bookings }
            to: bookings
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let file = directory + "/any.test.yaml"
        try """
        tests:
          - name: anything
            request: { path: /hooks/bookings, body: '{"cid":"a"}' }
            expect: { reply: 202 }
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let (status, output) = try await SwitchboardProcess.run(["test", "--config", config, file])
        #expect(status == 1, "\(output)")
        #expect(output.contains("broken.yaml:10:"), "\(output)")
        #expect(output.contains("NOT_IN_THE_TEST_FILE"), "\(output)")
        #expect(output.contains("0 passed, 1 failed"), "\(output)")
    }
}
