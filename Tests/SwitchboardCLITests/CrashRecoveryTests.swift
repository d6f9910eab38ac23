import Foundation
import Logging
import Testing
import SwitchboardHTTP
import SwitchboardBridge

@Suite("switchboard run as a process: crash recovery, graceful stop, secrets")
struct CrashRecoveryTests {
    static let key = "sk-sandbox-crash-test-7c1d9e"

    /// Writes a key file and a configuration for a given destination; `instance` names the file and its journal
    /// (several instances may share a directory), `webhook` is an extra `webhook:` block.
    static func writeConfig(
        directory: String, endpoint: String, kafka: String? = nil, route: String = "{ webhook: /hooks/bookings }",
        instance: String = "switchboard", webhook: String? = nil
    ) throws -> String {
        try "\(key)\n".write(toFile: directory + "/polyai.key", atomically: true, encoding: .utf8)
        let file = directory + "/\(instance).yaml"
        try """
        polyai: { endpoint: \(endpoint), account_id: ws-sandbox }
        listen: 127.0.0.1:0
        admin: 127.0.0.1:0
        journal: ./data\(instance == "switchboard" ? "" : "-" + instance)
        shutdown_timeout: 5s
        \(webhook.map { "webhook: \($0)" } ?? "")
        \(kafka.map { "kafka: { brokers: [\"\($0)\"], group_id: crash-test, options: { session.timeout.ms: \"6000\", auto.commit.interval.ms: \"200\" } }" } ?? "")
        integrations:
          bookings:
            plugin: mapping
            project_id: PROJECT-CRASH
            key: { file: ./polyai.key, agents: [PROJECT-CRASH], permissions: [external_events], expires: 2099-01-01 }
            options: { event_id: { from: json, path: cid } }
            retry: { max_attempts: 1000, base: 200ms, cap: 1s, deadline: 55m }
        routes:
          - from: \(route)
            to: bookings
        """.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    static func startSandbox(directory: String, extra: [String] = []) async throws -> (SwitchboardProcess, String) {
        let keys = directory + "/sandbox-keys.yaml"
        try """
        keys:
          - name: crash
            key: \(key)
            agents: [PROJECT-CRASH]
            permissions: [external_events]
        """.write(toFile: keys, atomically: true, encoding: .utf8)
        let sandbox = try SwitchboardProcess(["sandbox", "--listen", "127.0.0.1:0", "--keys", keys] + extra)
        let line = try #require(await sandbox.waitForLine(containing: "sandbox listening"), "\(sandbox.log)")
        let port = try #require(SwitchboardProcess.field("sandbox.port", in: line))
        return (sandbox, "http://127.0.0.1:\(port)")
    }

    static func webhookAddress(_ process: SwitchboardProcess) async throws -> String {
        let line = try #require(await process.waitForLine(containing: "switchboard ready"), "\(process.log)")
        return "http://" + (try #require(SwitchboardProcess.field("switchboard.webhook", in: line)))
    }

    @Test("acknowledged webhooks survive SIGKILL before delivery and are delivered after restart, keys never logged")
    func killedBeforeDelivery() async throws {
        let directory = NSTemporaryDirectory() + "switchboard-crash-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let client = CurlHTTPClient(logger: Logger(label: "test"))
        defer { client.shutdown() }
        let (sandbox, sandboxURL) = try await Self.startSandbox(directory: directory)

        // Mint three external event ids as a live call would.
        var conversations: [(conversation: String, eventID: String)] = []
        for _ in 0..<3 {
            let minted = try await client.send(HTTPClientRequest(
                url: sandboxURL + "/sandbox/conversations",
                headers: [HTTPHeader("Content-Type", "application/json")],
                body: Array(#"{"account_id":"ws-sandbox","project_id":"PROJECT-CRASH"}"#.utf8)
            ))
            let object = try #require(try JSONSerialization.jsonObject(with: Data(minted.body)) as? [String: Any])
            conversations.append((try #require(object["conversation_id"] as? String), try #require(object["external_event_id"] as? String)))
        }

        // First run: the destination is a closed port, so nothing can be delivered.
        let config = try Self.writeConfig(directory: directory, endpoint: "http://127.0.0.1:9")
        let first = try SwitchboardProcess(["run", "--config", config])
        let webhook = try await Self.webhookAddress(first)
        for (index, pair) in conversations.enumerated() {
            let response = try await client.send(HTTPClientRequest(
                url: webhook + "/hooks/bookings",
                headers: [HTTPHeader("Content-Type", "application/json")],
                body: Array(#"{"cid":"\#(pair.eventID)","n":\#(index)}"#.utf8)
            ))
            #expect(response.status == 202)
        }
        first.signal(SIGKILL)
        #expect(await first.waitForExit() != nil)

        // Second run: the sandbox is the destination; the journalled events must arrive.
        _ = try Self.writeConfig(directory: directory, endpoint: sandboxURL)
        let second = try SwitchboardProcess(["run", "--config", config])
        _ = try await Self.webhookAddress(second)
        for (index, pair) in conversations.enumerated() {
            let arrived = await waitFor(seconds: 30) {
                guard let response = try? await client.send(HTTPClientRequest(url: sandboxURL + "/sandbox/conversations/\(pair.conversation)", method: "GET")),
                      response.status == 200 else { return false }
                return String(decoding: response.body, as: UTF8.self).contains(#"\"n\":\#(index)"#) || String(decoding: response.body, as: UTF8.self).contains(#""n":\#(index)"#)
            }
            #expect(arrived, "event \(index) not delivered after restart; log:\n\(second.log)")
        }

        second.signal(SIGTERM)
        #expect(await second.waitForExit() == 0)
        sandbox.signal(SIGTERM)
        _ = await sandbox.waitForExit()
        for log in [first.log, second.log, sandbox.log] {
            #expect(!log.contains(Self.key), "a key reached the logs")
            #expect(!log.contains("crash-test-7c1d9e"))
        }
    }

    @Test("SIGHUP re-reads keys and never ends the process; SIGTERM stops it with exit 0")
    func hangupKeepsRunning() async throws {
        let directory = NSTemporaryDirectory() + "switchboard-hup-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = try Self.writeConfig(directory: directory, endpoint: "http://127.0.0.1:9")
        let process = try SwitchboardProcess(["run", "--config", config])
        _ = try await Self.webhookAddress(process)
        process.signal(SIGHUP)
        try await Task.sleep(for: .milliseconds(300))
        #expect(process.process.isRunning, "SIGHUP ended the process: \(process.log)")
        process.signal(SIGTERM)
        #expect(await process.waitForExit() == 0)
    }
}

/// Polls an async condition every 100 ms for at most `seconds`.
func waitFor(seconds: Double, _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(100))
    }
    return await condition()
}
