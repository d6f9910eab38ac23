import Foundation
import Logging
import Testing
import SwitchboardHTTP

/// `switchboard run` reloading its configuration on SIGHUP, as an operator does it: edit the file, `kill -HUP`.
@Suite("switchboard run reloads its configuration on SIGHUP")
struct ReloadCommandTests {
    @Test("SIGHUP puts an added route in force; an invalid edit and SIGHUP change nothing and /readyz says why")
    func sighupReloads() async throws {
        let directory = NSTemporaryDirectory() + "switchboard-reload-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let client = CurlHTTPClient(logger: Logger(label: "test"))
        defer { client.shutdown() }
        let (sandbox, sandboxURL) = try await CrashRecoveryTests.startSandbox(directory: directory)
        let config = try CrashRecoveryTests.writeConfig(directory: directory, endpoint: sandboxURL)
        let process = try SwitchboardProcess(["run", "--config", config])
        let webhook = try await CrashRecoveryTests.webhookAddress(process)
        let readyLine = try #require(await process.waitForLine(containing: "switchboard ready"))
        let admin = "http://" + (try #require(SwitchboardProcess.field("switchboard.admin", in: readyLine)))
        func post(_ path: String) async throws -> Int {
            try await client.send(HTTPClientRequest(
                url: webhook + path, headers: [HTTPHeader("Content-Type", "application/json")], body: Array(#"{"cid":"x"}"#.utf8)
            )).status
        }
        func readiness() async throws -> String {
            String(decoding: try await client.send(HTTPClientRequest(url: admin + "/readyz", method: "GET")).body, as: UTF8.self)
        }
        #expect(try await post("/hooks/second") == 404)
        let before = try await readiness()

        let original = try String(contentsOfFile: config, encoding: .utf8)
        try (original + "\n  - { from: { webhook: /hooks/second }, to: bookings }\n").write(toFile: config, atomically: true, encoding: .utf8)
        process.signal(SIGHUP)
        #expect(await process.waitForLine(containing: "configuration reloaded") != nil, "\(process.log)")
        #expect(try await post("/hooks/second") == 202)
        let after = try await readiness()
        #expect(after != before, "the config_hash in /readyz follows the file")

        try (original + "\n  - { from: { webhook: /hooks/third }, to: nobody }\n").write(toFile: config, atomically: true, encoding: .utf8)
        process.signal(SIGHUP)
        #expect(await process.waitForLine(containing: "configuration reload rejected") != nil, "\(process.log)")
        #expect(process.log.contains("switchboard.yaml:"), "the error names the file, line and column")
        #expect(try await post("/hooks/second") == 202, "the last good configuration runs on")
        #expect(try await post("/hooks/third") == 404)
        #expect(try await readiness().contains("config_reload_error"))

        process.signal(SIGTERM)
        #expect(await process.waitForExit() == 0)
        #expect(!process.log.contains(CrashRecoveryTests.key), "no key in the log")
        sandbox.signal(SIGTERM)
        _ = await sandbox.waitForExit()
    }
}
