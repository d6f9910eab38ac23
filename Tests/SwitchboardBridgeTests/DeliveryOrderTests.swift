import Testing
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardBridge

@Suite("Per-key order and lane isolation against a real HTTP server")
struct DeliveryOrderTests {
    @Test("many keys in parallel: each key's events arrive in order, even with retries in between")
    func orderPerKey() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let clock = ManualClock()
        // Zero backoff: retries happen at once, so order is tested under real concurrency.
        let lanes = TestLanes(baseURL: base, clock: clock, maxInFlight: 16, jitter: { _ in 0 })
        let keys = (0..<40).map { "conv-\($0)" }
        let perKey = 15
        for (index, key) in keys.enumerated() where index % 3 == 0 {
            // Every third conversation sees a 500 on its first two events.
            sink.script(key, [.init(status: 500), .init(status: 201), .init(status: 503), .init(status: 201)])
        }
        for sequence in 0..<perKey {
            for key in keys {
                lanes.submit(key, body: #"{"cid":"\#(key)","seq":\#(sequence)}"#, firstSeen: clock.nowMillis())
            }
        }
        #expect(await lanes.outcomes.waitFor(keys.count * perKey, seconds: 60))

        for key in keys {
            let sequences = sink.accepted.filter { $0.eventID == key }.map { $0.bodyText }
            let expected = (0..<perKey).map { #"{"cid":"\#(key)","seq":\#($0)}"# }
            #expect(sequences == expected, "order broken for \(key)")
        }
        #expect(lanes.outcomes.all.allSatisfy { $0.outcome.label == "delivered" })
        await lanes.stop()
    }

    @Test("a key stuck retrying holds back only its own lane")
    func stuckKeyDoesNotBlockOthers() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let clock = ManualClock()
        let lanes = TestLanes(baseURL: base, clock: clock, maxInFlight: 2)
        sink.script("stuck", Array(repeating: .init(status: 500), count: 10))

        lanes.submit("stuck", body: #"{"cid":"stuck","n":1}"#, firstSeen: clock.nowMillis())
        lanes.submit("stuck", body: #"{"cid":"stuck","n":2}"#, firstSeen: clock.nowMillis())
        for index in 0..<30 {
            lanes.submit("free-\(index)", firstSeen: clock.nowMillis())
        }
        // The clock never moves: "stuck" sleeps on its backoff while every other key is delivered.
        #expect(await lanes.outcomes.waitFor(30))
        #expect(lanes.outcomes.all.allSatisfy { $0.eventID.hasPrefix("free-") })
        #expect(sink.received.filter { $0.eventID == "stuck" }.count == 1)
        #expect(lanes.lanes.backlog == 2)
        await lanes.stop()
    }

    @Test("a rotated key is used by the requests built after the rotation")
    func keyRotation() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let clock = ManualClock()
        let lanes = TestLanes(baseURL: base, clock: clock)
        lanes.submit("before", firstSeen: clock.nowMillis())
        #expect(await lanes.outcomes.waitFor(1))
        lanes.key.replace(with: APIKey("sk-test-key-0002"))
        lanes.submit("after", firstSeen: clock.nowMillis())
        #expect(await lanes.outcomes.waitFor(2))
        #expect(sink.received.map { $0.header("x-api-key") } == ["sk-test-key-0001", "sk-test-key-0002"])
        await lanes.stop()
    }
}
