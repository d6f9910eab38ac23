import Testing
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardBridge

@Suite("Circuit breaker per integration")
struct CircuitBreakerTests {
    @Test("401: the circuit opens, events are held not lost, and a fixed key drains them")
    func refusedKeyHoldsEvents() async throws {
        let sink = ScriptedSink()
        sink.setValidKeys(["sk-test-key-0002"])
        let base = try await sink.start()
        defer { sink.stop() }
        let clock = ManualClock()
        let lanes = TestLanes(baseURL: base, clock: clock, maxInFlight: 1)
        for index in 0..<5 {
            lanes.submit("held-\(index)", firstSeen: clock.nowMillis())
        }
        // One attempt is refused, the circuit opens and every other event waits without an attempt.
        await clock.waitForSleepers(1)
        #expect(lanes.lanes.circuitState == "open")
        #expect(sink.received.count == 1)
        #expect(sink.received.first?.status == 401)
        #expect(lanes.outcomes.all.isEmpty)
        #expect(lanes.lanes.backlog == 5)

        // Still refused at the first probe: the circuit opens again, with a longer wait.
        clock.advance(by: .seconds(1))
        #expect(await waitUntil(seconds: 10) { sink.received.count == 2 })
        await clock.waitForSleepers(1)
        #expect(lanes.lanes.circuitState == "open")
        #expect(clock.requestedSleeps.last == .seconds(2))

        // The operator rotates the key: the next probe succeeds and everything drains.
        lanes.key.replace(with: APIKey("sk-test-key-0002"))
        clock.advance(by: .seconds(2))
        #expect(await lanes.outcomes.waitFor(5))
        #expect(lanes.outcomes.all.allSatisfy { $0.outcome.label == "delivered" })
        #expect(Set(sink.accepted.compactMap(\.eventID)) == Set((0..<5).map { "held-\($0)" }))
        #expect(lanes.lanes.circuitState == "closed")
        await lanes.stop()
    }

    @Test("an open circuit's probe waits at least the last Retry-After, not only its own backoff")
    func probeHonoursRetryAfter() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let clock = ManualClock()
        let lanes = TestLanes(baseURL: base, clock: clock, maxInFlight: 1, circuitThreshold: 1)
        sink.script("busy", [.init(status: 503, headers: [Header("Retry-After", "30")]), .init(status: 201)])
        lanes.submit("busy", firstSeen: clock.nowMillis())
        await clock.waitForSleepers(1)
        #expect(lanes.lanes.circuitState == "open")
        #expect(clock.requestedSleeps.last == .seconds(30))
        clock.advance(by: .seconds(29))
        try await Task.sleep(for: .milliseconds(100))
        #expect(sink.received.count == 1, "probed before the server's Retry-After")
        clock.advance(by: .seconds(1))
        #expect(await lanes.outcomes.waitFor(1))
        #expect(sink.received.map(\.status) == [503, 201])
        #expect(lanes.lanes.circuitState == "closed")
        await lanes.stop()
    }

    @Test("events held by an open circuit are dead-lettered unauthorized at their deadline, not before")
    func heldUntilDeadline() async throws {
        let sink = ScriptedSink()
        sink.setValidKeys([])
        let base = try await sink.start()
        defer { sink.stop() }
        let clock = ManualClock()
        let policy = RetryPolicy(maxAttempts: 3, base: .seconds(1), cap: .seconds(4), deadline: .seconds(20))
        let lanes = TestLanes(baseURL: base, clock: clock, policy: policy, maxInFlight: 2)
        lanes.submit("a", firstSeen: clock.nowMillis())
        lanes.submit("b", firstSeen: clock.nowMillis())
        var elapsed = 0
        while lanes.outcomes.all.count < 2, elapsed < 40 {
            _ = await waitUntil(seconds: 5) { clock.sleeperCount >= 1 || lanes.outcomes.all.count >= 2 }
            #expect(lanes.outcomes.all.isEmpty || elapsed >= 20, "dead-lettered before the deadline")
            clock.advance(by: .seconds(1))
            elapsed += 1
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(await lanes.outcomes.waitFor(2))
        for entry in lanes.outcomes.all {
            guard case .deadLettered(let reason, let last) = entry.outcome else {
                Issue.record("expected a dead letter")
                continue
            }
            // max_attempts does not apply to a refused key: only the deadline ends the wait.
            #expect(reason == "unauthorized")
            #expect(last?.status == 401)
        }
        #expect(elapsed >= 20)
        await lanes.stop()
    }

    @Test("a run of 5xx opens the circuit: further events wait instead of burning attempts")
    func serverErrorsOpenTheCircuit() async throws {
        let sink = ScriptedSink()
        sink.setDefault(.init(status: 503))
        let base = try await sink.start()
        defer { sink.stop() }
        let clock = ManualClock()
        let lanes = TestLanes(baseURL: base, clock: clock, maxInFlight: 1, circuitThreshold: 3)
        for index in 0..<10 {
            lanes.submit("outage-\(index)", firstSeen: clock.nowMillis())
        }
        #expect(await waitUntil(seconds: 10) { lanes.lanes.circuitState == "open" })
        try await Task.sleep(for: .milliseconds(200))
        #expect(sink.received.count == 3)

        sink.setDefault(.init(status: 201))
        var rounds = 0
        while lanes.outcomes.all.count < 10, rounds < 50 {
            clock.advance(by: .seconds(8))
            try await Task.sleep(for: .milliseconds(20))
            rounds += 1
        }
        #expect(await lanes.outcomes.waitFor(10))
        #expect(lanes.outcomes.all.allSatisfy { $0.outcome.label == "delivered" })
        #expect(lanes.lanes.circuitState == "closed")
        await lanes.stop()
    }
}
