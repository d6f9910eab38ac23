import Foundation
import Spawn
import Testing

@Suite("switchboard validate with Wasm plugins")
struct WasmValidateTests {
    /// A configuration with one `wasm` integration loading `module`.
    static func config(module: String) throws -> String {
        let directory = NSTemporaryDirectory() + "switchboard-wasm-validate-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = directory + "/switchboard.yaml"
        try """
        polyai: { region: us-1, account_id: ws-1 }
        integrations:
          acme:
            plugin: wasm
            project_id: PROJECT-1
            key: { env: KEY_ACME, agents: [PROJECT-1], permissions: [external_events] }
            options:
              module: \(module)
              config: { secret: s3cr3t-value, field: ticket.conv }
        routes:
          - from: { webhook: /hooks/acme }
            to: acme
        """.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test("the example module validates: exports and imports checked, sb_init run with the config")
    func exampleIsValid() async throws {
        let file = try Self.config(module: try WasmFixtures.path("acme"))
        let (status, output) = try await SwitchboardProcess.run(["validate", "--config", file], environment: ["KEY_ACME": "sk-wasm-validate-1234"])
        #expect(status == 0, "\(output)")
        #expect(!output.contains("sk-wasm-validate-1234"))
    }

    @Test("a module importing WASI is refused, naming the import", arguments: [
        ("wasi", "imports wasi_snapshot_preview1.fd_write"),
        ("bigmemory", "more than the limit"),
        ("refuse", "sb_init refused the configuration (returned 7)"),
    ])
    func refused(_ fixture: String, _ expected: String) async throws {
        let file = try Self.config(module: try WasmFixtures.path(fixture))
        let (status, output) = try await SwitchboardProcess.run(["validate", "--config", file], environment: ["KEY_ACME": "sk-wasm-validate-1234"])
        #expect(status == 1)
        #expect(output.contains("integrations.acme.options.module"), "\(output)")
        #expect(output.contains(expected), "\(output)")
    }

    @Test("a missing module file is an error naming it")
    func badOptions() async throws {
        let file = try Self.config(module: "./missing.wasm")
        let (status, output) = try await SwitchboardProcess.run(["validate", "--config", file], environment: ["KEY_ACME": "sk-wasm-validate-1234"])
        #expect(status == 1)
        #expect(output.contains("cannot read the module file") && output.contains("missing.wasm"), "\(output)")
    }
}
