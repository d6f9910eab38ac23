import Foundation
import Testing

import SwitchboardSandbox

@Suite("Fault injection rehearses PolyAI misbehaving")
struct FaultTests {
    @Test("with error_rate 1.0 every webhook answer is a 500")
    func everyAnswerFails() async throws {
        let options = try standardOptions { $0.faults = SandboxFaults(errorRate: 1.0) }
        try await withSandbox(options) { client in
            let minted = try await client.startConversation()
            for _ in 0..<5 {
                let response = try await client.postEvent(body: #"{"cid": "\#(minted.externalEventID)"}"#)
                #expect(response.status == 500)
                #expect(response.errorMessage == "Internal server error")
            }
            let conversation = try await client.conversation(minted.conversationID)
            #expect(conversation.events.isEmpty)
            let counters = try await client.counters()
            #expect(counters.byStatus["500"] == 5)
            #expect(counters.accepted == 0)
        }
    }

    @Test("with throttle_rate 1.0 every answer is a 429 carrying Retry-After")
    func throttled() async throws {
        let options = try standardOptions { $0.faults = SandboxFaults(throttleRate: 1.0, retryAfter: 7) }
        try await withSandbox(options) { client in
            let minted = try await client.startConversation()
            let response = try await client.postEvent(body: #"{"cid": "\#(minted.externalEventID)"}"#)
            #expect(response.status == 429)
            #expect(response.header("Retry-After") == "7")
            #expect(response.errorMessage == "Too many requests")
        }
    }

    @Test("with drop_rate 1.0 the connection closes without any answer")
    func dropped() async throws {
        let options = try standardOptions { $0.faults = SandboxFaults(dropRate: 1.0) }
        try await withSandbox(options) { client in
            let minted = try await client.startConversation()
            let outcome = try await RawHTTPClient.exchange(
                port: client.port, method: "POST", target: SandboxClient.webhookTarget(),
                headers: [("X-Api-Key", "sk-sandbox-quickstart-0001"), ("Content-Type", "application/json")],
                body: Array(#"{"cid": "\#(minted.externalEventID)"}"#.utf8))
            guard case .closedWithoutAnswer = outcome else {
                Issue.record("expected the connection to close without an answer, got \(outcome)")
                return
            }
            let counters = try await client.counters()
            #expect(counters.dropped == 1)
            let conversation = try await client.conversation(minted.conversationID)
            #expect(conversation.events.isEmpty)
        }
    }

    @Test("faults change at run time with PUT /sandbox/faults, and {} clears them")
    func changeAtRunTime() async throws {
        try await withSandbox(try standardOptions()) { client in
            let minted = try await client.startConversation()
            let body = #"{"cid": "\#(minted.externalEventID)"}"#
            #expect(try await client.postEvent(body: body).status == 201)

            let set = try await client.setFaults(#"{"error_rate": 1.0}"#)
            #expect(set.status == 200)
            #expect(try await client.postEvent(body: body).status == 500)

            let shown = try await RawHTTPClient.send(port: client.port, method: "GET", target: "/sandbox/faults")
            let faults = try JSONDecoder().decode(SandboxFaults.self, from: Data(shown.body.utf8))
            #expect(faults == SandboxFaults(errorRate: 1.0))

            #expect(try await client.setFaults("{}").status == 200)
            #expect(try await client.postEvent(body: body).status == 201)
        }
    }

    @Test("latency_ms delays the answer by at least that long, and the event is still accepted")
    func latency() async throws {
        let options = try standardOptions { $0.faults = SandboxFaults(latencyMilliseconds: 200) }
        try await withSandbox(options) { client in
            let minted = try await client.startConversation()
            let clock = ContinuousClock()
            let start = clock.now
            let response = try await client.postEvent(body: #"{"cid": "\#(minted.externalEventID)"}"#)
            // A lower bound only: the sandbox sleeps at least this long, however slow the machine is.
            #expect(clock.now - start >= .milliseconds(200))
            #expect(response.status == 201)
        }
    }

    @Test("impossible faults are refused with 400 and leave the old ones in force")
    func invalidFaults() async throws {
        try await withSandbox(try standardOptions()) { client in
            let tooHigh = try await client.setFaults(#"{"error_rate": 2}"#)
            #expect(tooHigh.status == 400)
            #expect(tooHigh.errorMessage == "Invalid faults: error_rate must be a fraction between 0 and 1, got 2.0")
            let wrongType = try await client.setFaults(#"{"latency_ms": "slow"}"#)
            #expect(wrongType.status == 400)
            #expect(wrongType.errorMessage == "Invalid faults: field latency_ms must be a number")
            let shown = try await RawHTTPClient.send(port: client.port, method: "GET", target: "/sandbox/faults")
            #expect(try JSONDecoder().decode(SandboxFaults.self, from: Data(shown.body.utf8)) == SandboxFaults())
        }
    }

    @Test("the same seed gives the same pattern of faults")
    func seededPattern() async throws {
        func pattern(seed: UInt64) async throws -> [Int] {
            let options = try standardOptions {
                $0.faults = SandboxFaults(errorRate: 0.5)
                $0.seed = seed
            }
            return try await withSandbox(options) { client in
                let minted = try await client.startConversation()
                var statuses: [Int] = []
                for _ in 0..<24 {
                    statuses.append(try await client.postEvent(body: #"{"cid": "\#(minted.externalEventID)"}"#).status)
                }
                return statuses
            }
        }
        let first = try await pattern(seed: 42)
        let again = try await pattern(seed: 42)
        #expect(first == again)
        #expect(first.contains(500))
        #expect(first.contains(201))
        let other = try await pattern(seed: 7)
        #expect(other != first)
    }

    @Test("the control endpoints are never faulted, so faults can always be cleared")
    func controlNotFaulted() async throws {
        let options = try standardOptions { $0.faults = SandboxFaults(errorRate: 1.0, dropRate: 0) }
        try await withSandbox(options) { client in
            let minted = try await client.startConversation()
            #expect(!minted.externalEventID.isEmpty)
            #expect(try await client.setFaults("{}").status == 200)
            #expect(try await client.postEvent(body: #"{"cid": "\#(minted.externalEventID)"}"#).status == 201)
        }
    }
}
