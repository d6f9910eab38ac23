import Foundation
import Logging
import Testing
import SwitchboardHTTP
import SwitchboardBridge

@Suite("switchboard run as a process: proxies from the environment, hostile text in logs")
struct ProcessEdgeTests {
    static func directory() throws -> String {
        let directory = NSTemporaryDirectory() + "switchboard-edge-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("http_proxy, https_proxy and ALL_PROXY in the environment are ignored without polyai.proxy: deliveries go direct")
    func proxyEnvironmentIgnored() async throws {
        let directory = try Self.directory()
        let client = CurlHTTPClient(logger: Logger(label: "test"))
        defer { client.shutdown() }
        let (sandbox, sandboxURL) = try await CrashRecoveryTests.startSandbox(directory: directory)
        let minted = try await client.send(HTTPClientRequest(
            url: sandboxURL + "/sandbox/conversations", headers: [HTTPHeader("Content-Type", "application/json")],
            body: Array(#"{"account_id":"ws-sandbox","project_id":"PROJECT-CRASH"}"#.utf8)
        ))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(minted.body)) as? [String: Any])
        let conversation = try #require(object["conversation_id"] as? String)
        let eventID = try #require(object["external_event_id"] as? String)

        // Every proxy variable points at a closed port: a client that honoured them could deliver nothing.
        let proxy = "http://127.0.0.1:9"
        let environment = ["http_proxy": proxy, "HTTP_PROXY": proxy, "https_proxy": proxy, "HTTPS_PROXY": proxy, "ALL_PROXY": proxy, "all_proxy": proxy]
        let config = try CrashRecoveryTests.writeConfig(directory: directory, endpoint: sandboxURL)
        let process = try SwitchboardProcess(["run", "--config", config], environment: environment)
        let webhook = try await CrashRecoveryTests.webhookAddress(process)
        let response = try await client.send(HTTPClientRequest(
            url: webhook + "/hooks/bookings", headers: [HTTPHeader("Content-Type", "application/json")],
            body: Array(#"{"cid":"\#(eventID)","via":"direct"}"#.utf8)
        ))
        #expect(response.status == 202)
        let arrived = await waitFor(seconds: 30) {
            guard let view = try? await client.send(HTTPClientRequest(url: sandboxURL + "/sandbox/conversations/\(conversation)", method: "GET")) else { return false }
            return String(decoding: view.body, as: UTF8.self).contains("direct")
        }
        #expect(arrived, "not delivered directly; log:\n\(process.log)")
        process.signal(SIGTERM)
        #expect(await process.waitForExit() == 0)
        sandbox.signal(SIGTERM)
        _ = await sandbox.waitForExit()
    }

    @Test("the caller's trace id is in the log line of the event's outcome")
    func traceIDInLogs() async throws {
        let directory = try Self.directory()
        let client = CurlHTTPClient(logger: Logger(label: "test"))
        defer { client.shutdown() }
        let (sandbox, sandboxURL) = try await CrashRecoveryTests.startSandbox(directory: directory)
        let eventID = try await KafkaProcessFixture.conversations(1, client: client, sandboxURL: sandboxURL)[0].eventID
        let config = try CrashRecoveryTests.writeConfig(directory: directory, endpoint: sandboxURL)
        let process = try SwitchboardProcess(["run", "--config", config])
        let webhook = try await CrashRecoveryTests.webhookAddress(process)
        let response = try await client.send(HTTPClientRequest(
            url: webhook + "/hooks/bookings",
            headers: [HTTPHeader("Content-Type", "application/json"), HTTPHeader("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")],
            body: Array(#"{"cid":"\#(eventID)"}"#.utf8)
        ))
        #expect(response.status == 202)
        let line = await process.waitForLine(containing: "event delivered")
        #expect(line?.contains("trace_id=0af7651916cd43dd8448eb211c80319c") == true, "\(process.log)")
        process.signal(SIGTERM)
        #expect(await process.waitForExit() == 0)
        sandbox.signal(SIGTERM)
        _ = await sandbox.waitForExit()
    }

    @Test("an event id with line separators and bidi controls cannot forge a log line or reorder what a terminal shows")
    func hostileTextInLogs() async throws {
        let directory = try Self.directory()
        let client = CurlHTTPClient(logger: Logger(label: "test"))
        defer { client.shutdown() }
        let (sandbox, sandboxURL) = try await CrashRecoveryTests.startSandbox(directory: directory)
        let config = try CrashRecoveryTests.writeConfig(directory: directory, endpoint: sandboxURL)
        let process = try SwitchboardProcess(["run", "--config", config])
        let webhook = try await CrashRecoveryTests.webhookAddress(process)
        // C0/C1 controls are refused in ids at intake (bad_payload); U+2028 and bidi overrides are not controls and
        // reach the outcome's log line as the ordering key (the sandbox refuses the unknown id with 400).
        let hostile = #"EVIL ts=2026 level=critical msg=forged ‮gnp.exe⁦"#
        let response = try await client.send(HTTPClientRequest(
            url: webhook + "/hooks/bookings", headers: [HTTPHeader("Content-Type", "application/json")],
            body: Array(#"{"cid":"\#(hostile)"}"#.utf8)
        ))
        #expect(response.status == 202)
        let line = await process.waitForLine(containing: "EVIL", seconds: 30)
        #expect(line?.contains(#"EVIL\u{2028}ts=2026"#) == true, "\(process.log)")
        let log = process.log
        for raw in ["\u{2028}", "\u{2029}", "\u{202E}", "\u{2066}", "\u{1B}"] {
            #expect(!log.contains(raw), "a raw \(raw.unicodeScalars.first!.value) reached the log")
        }
        process.signal(SIGTERM)
        #expect(await process.waitForExit() == 0)
        sandbox.signal(SIGTERM)
        _ = await sandbox.waitForExit()
    }
}
