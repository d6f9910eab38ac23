import Foundation
import Testing
import Spawn
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardBridge

@Suite("HTTPS on the listener itself (webhook.tls)")
struct ListenerTLSTests {
    /// A self-signed certificate for 127.0.0.1 and its key, made by the `openssl` command.
    static func makeCertificate(in directory: String, name: String) throws {
        let process = try SpawnedProcess(
            executable: "/usr/bin/openssl",
            arguments: [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", "/CN=\(name)", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", directory + "/\(name).key", "-out", directory + "/\(name).pem",
            ],
            output: .discarded
        )
        guard process.waitUntilExit() == .exited(0) else { throw TestFailure("openssl failed") }
    }

    @Test("a webhook over HTTPS is accepted, the signed URL uses https, and a renewed certificate is served without a restart")
    func httpsAndReload() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let directory = temporaryDirectory()
        try Self.makeCertificate(in: directory, name: "first")
        try FileManager.default.copyItem(atPath: directory + "/first.pem", toPath: directory + "/listener.pem")
        try FileManager.default.copyItem(atPath: directory + "/first.key", toPath: directory + "/listener.key")
        let yaml = TestBridge.yaml(endpoint: base, journal: temporaryDirectory())
            .replacingOccurrences(of: "webhook: { max_body: 1MiB }", with: "webhook: { tls: { cert_file: listener.pem, key_file: listener.key } }")
        let bridge = try TestBridge(yaml: yaml, directory: directory)
        let port = await bridge.bridge.webhook.port.value()
        let url = "https://127.0.0.1:\(port)/hooks/bookings"
        let json = [("Content-Type", "application/json")]

        #expect(try await curl(url, body: #"{"cid":"EXT-TLS-1"}"#, headers: json, extra: ["--cacert", directory + "/first.pem"]).status == 202)
        #expect(await sink.waitForAccepted(1))
        // Plain HTTP to a TLS listener gets no webhook through.
        #expect(try await curl("http://127.0.0.1:\(port)/hooks/bookings", body: #"{"cid":"EXT-PLAIN"}"#, headers: json).status != 202)

        try Self.makeCertificate(in: directory, name: "second")
        try FileManager.default.removeItem(atPath: directory + "/listener.pem")
        try FileManager.default.removeItem(atPath: directory + "/listener.key")
        try FileManager.default.copyItem(atPath: directory + "/second.key", toPath: directory + "/listener.key")
        try FileManager.default.copyItem(atPath: directory + "/second.pem", toPath: directory + "/listener.pem")
        var renewed = false
        for _ in 0..<100 where !renewed {
            try await Task.sleep(for: .milliseconds(100))
            renewed = try await curl(url, body: #"{"cid":"EXT-TLS-2"}"#, headers: json, extra: ["--cacert", directory + "/second.pem"]).status == 202
        }
        #expect(renewed, "the renewed certificate was not served")
        #expect(try await curl(url, body: #"{"cid":"EXT-TLS-3"}"#, headers: json, extra: ["--cacert", directory + "/first.pem"]).status != 202)
        await bridge.stop()
    }

    @Test("validate names a missing or non-PEM certificate file with its position")
    func badFiles() throws {
        let directory = temporaryDirectory()
        try "not a certificate".write(toFile: directory + "/bad.pem", atomically: true, encoding: .utf8)
        let yaml = TestBridge.yaml(endpoint: "http://127.0.0.1:9", journal: directory)
            .replacingOccurrences(of: "webhook: { max_body: 1MiB }", with: "webhook: { tls: { cert_file: bad.pem, key_file: missing.key } }")
        let loaded = ConfigLoader.load(yaml: yaml, file: directory + "/switchboard.yaml", environment: ["TEST_KEY_BOOKINGS": TestBridge.key])
        #expect(loaded.config == nil)
        #expect(loaded.issues.contains { $0.path == "webhook.tls.cert_file" && $0.message.contains("not PEM") })
        #expect(loaded.issues.contains { $0.path == "webhook.tls.key_file" && $0.message.contains("cannot read the private key file") })
    }
}
