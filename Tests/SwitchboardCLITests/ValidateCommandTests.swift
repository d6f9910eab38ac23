import Foundation
import Testing

@Suite("switchboard validate")
struct ValidateCommandTests {
    @Test("the quickstart configuration is valid on a fresh clone with no environment variables")
    func quickstartIsValid() async throws {
        let (status, output) = try await SwitchboardProcess.run(["validate", "--config", "examples/quickstart.yaml"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("valid"))
    }

    @Test("a broken configuration exits 1 and names every error with file:line:column")
    func brokenConfiguration() async throws {
        let directory = NSTemporaryDirectory() + "switchboard-validate-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = directory + "/bad.yaml"
        try """
        polyai:
          region: us-1
          account_id: ws-1
        integrations:
          payments:
            plugin: mapping
            project_id: PROJECT-1
            key: { env: SOME_KEY, agents: [PROJECT-1], permissions: [external_events] }
            retry: { max_attempts: 3, base: 10parsecs }
            colour: blue
        routes:
          - from: { webhook: /hooks/pay }
            to: nowhere
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let (status, output) = try await SwitchboardProcess.run(["validate", "--config", file])
        #expect(status == 1)
        #expect(output.contains("bad.yaml:9:37"), "\(output)")
        #expect(output.contains("integrations.payments.retry.base"))
        #expect(output.contains("bad.yaml:10:5"), "\(output)")
        #expect(output.contains("colour"))
        #expect(output.contains("bad.yaml:13:9"), "\(output)")
        #expect(output.contains("nowhere"))
    }

    @Test("key rules, a missing key variable and a bad librdkafka option are reported together, never with a key value")
    func keysAndKafkaOptions() async throws {
        let directory = NSTemporaryDirectory() + "switchboard-validate-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = directory + "/keys.yaml"
        try """
        polyai: { region: us-1, account_id: ws-1 }
        kafka: { brokers: [127.0.0.1:9092], group_id: g, options: { fetch.wait.max.mz: "10" } }
        integrations:
          payments:
            plugin: mapping
            project_id: PROJECT-1
            key: { env: KEY_PAYMENTS, agents: [PROJECT-2], permissions: [external_events] }
          bookings:
            plugin: mapping
            project_id: PROJECT-1
            key: { env: KEY_MISSING, agents: [PROJECT-1], permissions: [external_events] }
        routes:
          - from: { webhook: /a }
            to: payments
          - from: { kafka: bookings }
            to: bookings
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let (status, output) = try await SwitchboardProcess.run(["validate", "--config", file], environment: ["KEY_PAYMENTS": "sk-validate-secret-991"])
        #expect(status == 1)
        #expect(output.contains("keys.yaml:7:10: error: integrations.payments.key.agents: integration 'payments': project PROJECT-1 is outside the key's agents (PROJECT-2)"), "\(output)")
        #expect(output.contains("integrations.bookings.key: environment variable KEY_MISSING is not set"))
        #expect(output.contains("kafka.options") && output.contains("fetch.wait.max.mz"))
        #expect(!output.contains("sk-validate-secret-991"))
    }
}
