import Foundation
import Logging
import ServiceLifecycle
import Testing
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardBridge
import SwitchboardSandbox

@Suite("Against the sandbox: a revoked key")
struct SandboxCircuitTests {
    @Test("the sandbox answering 401: the circuit opens, events are held not lost, and a fixed key drains them")
    func revokedKeyThenFixed() async throws {
        let directory = temporaryDirectory()
        let keys = directory + "/keys.yaml"
        try """
        keys:
          - name: new
            key: sk-sandbox-new-key-2222
            agents: [PROJECT-TEST]
            permissions: [external_events]
        """.write(toFile: keys, atomically: true, encoding: .utf8)
        var options = SandboxOptions(host: "127.0.0.1", port: 0, keysFile: keys)
        options.faults = SandboxFaults()
        let sandbox = try Sandbox(options: options, logger: Logger(label: "sandbox"))
        let group = ServiceGroup(configuration: .init(services: [sandbox], logger: Logger(label: "sandbox")))
        let running = Task { try await group.run() }
        let base = "http://127.0.0.1:\(await sandbox.boundPort())"
        let client = CurlHTTPClient(logger: Logger(label: "test"))
        defer { client.shutdown() }

        var conversations: [(String, String)] = []
        for _ in 0..<3 {
            let minted = try await httpRequest(client, base + "/sandbox/conversations", body: #"{"account_id":"ws-test","project_id":"PROJECT-TEST"}"#)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(minted.body)) as? [String: Any])
            conversations.append((try #require(object["conversation_id"] as? String), try #require(object["external_event_id"] as? String)))
        }

        let clock = ManualClock(startMillis: Int64(Date().timeIntervalSince1970 * 1000))
        let lanes = TestLanes(baseURL: base, clock: clock, maxInFlight: 2)  // holds sk-test-key-0001: unknown to the sandbox
        for (_, eventID) in conversations {
            lanes.submit(eventID, firstSeen: clock.nowMillis())
        }
        await clock.waitForSleepers(1)
        #expect(lanes.lanes.circuitState == "open")
        #expect(lanes.outcomes.all.isEmpty)
        #expect(lanes.lanes.backlog == 3)

        lanes.key.replace(with: APIKey("sk-sandbox-new-key-2222"))
        // An attempt refused before the fix may still reopen the circuit once; a later probe closes it.
        let drained = await waitUntil(seconds: 30) {
            clock.advance(by: .milliseconds(500))
            return lanes.outcomes.all.count >= 3
        }
        #expect(drained)
        #expect(lanes.outcomes.all.allSatisfy { $0.outcome.label == "delivered" })
        for (conversation, eventID) in conversations {
            let shown = try await httpRequest(client, base + "/sandbox/conversations/\(conversation)", method: "GET")
            #expect(String(decoding: shown.body, as: UTF8.self).contains(eventID))
            #expect(String(decoding: shown.body, as: UTF8.self).contains(#""event_count":1"#))
        }
        await lanes.stop()
        await group.triggerGracefulShutdown()
        _ = try? await running.value
    }
}
