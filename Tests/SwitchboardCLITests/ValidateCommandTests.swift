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
}
