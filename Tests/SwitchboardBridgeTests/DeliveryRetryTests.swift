import Testing
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardBridge

@Suite("Delivery retries against a real HTTP server")
struct DeliveryRetryTests {
    @Test("500 then 201: delivered on the second attempt")
    func serverErrorThenSuccess() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let clock = ManualClock()
        let lanes = TestLanes(baseURL: base, clock: clock)
        sink.script("ev-500", [.init(status: 500, body: #"{"error_message":"boom"}"#), .init(status: 201)])

        lanes.submit("ev-500", firstSeen: clock.nowMillis())
        await clock.waitForSleepers(1)
        #expect(lanes.outcomes.all.isEmpty)
        clock.advance(by: .seconds(1))
        #expect(await lanes.outcomes.waitFor(1))

        let outcome = try #require(lanes.outcomes.all.first).outcome
        guard case .delivered(let attempt) = outcome else {
            Issue.record("expected delivered, got \(outcome)")
            return
        }
        #expect(attempt.attempts == 2)
        #expect(attempt.status == 201)
        #expect(sink.received.map(\.status) == [500, 201])
        await lanes.stop()
    }

    @Test("429 with Retry-After: 2 waits exactly 2 s of clock time")
    func retryAfterIsHonoured() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let clock = ManualClock()
        let lanes = TestLanes(baseURL: base, clock: clock)
        sink.script("ev-429", [.init(status: 429, headers: [Header("Retry-After", "2")]), .init(status: 201)])

        lanes.submit("ev-429", firstSeen: clock.nowMillis())
        await clock.waitForSleepers(1)
        #expect(clock.requestedSleeps.last == .seconds(2))
        clock.advance(by: .milliseconds(1999))
        #expect(clock.sleeperCount == 1)
        #expect(sink.received.count == 1)
        clock.advance(by: .milliseconds(1))
        #expect(await lanes.outcomes.waitFor(1))
        #expect(sink.received.map(\.status) == [429, 201])
        await lanes.stop()
    }

    @Test("an absurd Retry-After never traps: a year-999999999 date is unreadable (backoff), a huge number waits at most until the deadline")
    func hostileRetryAfter() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let clock = ManualClock(startMillis: 1_800_000_000_000)
        let lanes = TestLanes(baseURL: base, clock: clock)
        sink.script("ev-date", [.init(status: 429, headers: [Header("Retry-After", "Sun, 06 Nov 999999999 08:49:37 GMT")]), .init(status: 201)])
        sink.script("ev-num", [.init(status: 503, headers: [Header("Retry-After", "99999999999999999999999")]), .init(status: 201)])

        lanes.submit("ev-date", firstSeen: clock.nowMillis())
        lanes.submit("ev-num", firstSeen: clock.nowMillis())
        await clock.waitForSleepers(2)
        // The unreadable date falls back to backoff (1 s here); the huge number is cut to what is left of the deadline.
        #expect(Set(clock.requestedSleeps) == [.seconds(1), .seconds(3300)])
        clock.advance(by: .seconds(1))
        #expect(await lanes.outcomes.waitFor(1))
        #expect(lanes.outcomes.all.first?.eventID == "ev-date")
        clock.advance(by: .seconds(3300))
        #expect(await lanes.outcomes.waitFor(2))
        let number = try #require(lanes.outcomes.all.first { $0.eventID == "ev-num" }).outcome
        #expect(number.label == "expired")
        await lanes.stop()
    }

    @Test("a request that cannot be built (CR/LF in its content type) is dead-lettered bad_payload at once: never sent, never retried")
    func unsendableRequest() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let clock = ManualClock()
        let lanes = TestLanes(baseURL: base, clock: clock)
        lanes.submit("ev-crlf", firstSeen: clock.nowMillis(), contentType: "application/json; charset=utf-8\r\nX-Injected: 1")
        lanes.submit("ev-fine", firstSeen: clock.nowMillis())
        #expect(await lanes.outcomes.waitFor(2))
        let crlf = try #require(lanes.outcomes.all.first { $0.eventID == "ev-crlf" }).outcome
        guard case .deadLettered(let reason, let last) = crlf else {
            Issue.record("expected a dead letter, got \(crlf)")
            return
        }
        #expect(reason == "bad_payload")
        #expect(last?.errorMessage?.contains("Content-Type holds a control character") == true)
        #expect(sink.received.map(\.eventID) == ["ev-fine"])
        #expect(lanes.lanes.circuitState == "closed")
        await lanes.stop()
    }

    @Test("an attempt cut off by shutdown counts as no attempt: with max_attempts 1 it is not dead-lettered, it keeps no outcome")
    func cutOffByShutdown() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        sink.setDefault(.init(status: 201, delay: .seconds(5)))
        let clock = ManualClock()
        let lanes = TestLanes(baseURL: base, clock: clock, policy: RetryPolicy(maxAttempts: 1, base: .seconds(1), cap: .seconds(1), deadline: .seconds(3300)))
        lanes.submit("slow", firstSeen: clock.nowMillis())
        #expect(await sink.waitForArrivals(1))
        lanes.runner.cancel()  // the shutdown deadline passed: tasks are cancelled mid-attempt
        _ = try? await lanes.runner.value
        #expect(lanes.outcomes.all.isEmpty, "a cut-off attempt produced an outcome: \(lanes.outcomes.all.map(\.outcome))")
        #expect(lanes.lanes.backlog == 1)
        #expect(lanes.lanes.circuitState == "closed")
        await lanes.stop()
    }

    @Test("Retry-After as an HTTP date on 503 is honoured")
    func retryAfterDate() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let clock = ManualClock(startMillis: 1_800_000_000_000)  // 2027-01-15T08:00:00Z
        let lanes = TestLanes(baseURL: base, clock: clock)
        sink.script("ev-503", [.init(status: 503, headers: [Header("Retry-After", "Fri, 15 Jan 2027 08:00:07 GMT")]), .init(status: 201)])

        lanes.submit("ev-503", firstSeen: clock.nowMillis())
        await clock.waitForSleepers(1)
        #expect(clock.requestedSleeps.last == .seconds(7))
        clock.advance(by: .seconds(7))
        #expect(await lanes.outcomes.waitFor(1))
        await lanes.stop()
    }

    @Test("400 is dead-lettered at once with PolyAI's error_message and correlation id")
    func badRequestIsPermanent() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let clock = ManualClock()
        let lanes = TestLanes(baseURL: base, clock: clock)
        sink.script("ev-400", [.init(status: 400, body: #"{"error_message": "External event id not valid"}"#)])

        lanes.submit("ev-400", firstSeen: clock.nowMillis())
        #expect(await lanes.outcomes.waitFor(1))
        let outcome = try #require(lanes.outcomes.all.first).outcome
        guard case .deadLettered(let reason, let last) = outcome else {
            Issue.record("expected a dead letter, got \(outcome)")
            return
        }
        #expect(reason == "rejected")
        #expect(last?.attempts == 1)
        #expect(last?.status == 400)
        #expect(last?.errorMessage == "External event id not valid")
        #expect(last?.correlationID?.hasPrefix("corr-") == true)
        #expect(sink.received.count == 1)
        #expect(clock.requestedSleeps.isEmpty)
        await lanes.stop()
    }

    @Test("an event still failing at its deadline is dead-lettered as expired")
    func deadlineExpires() async throws {
        let sink = ScriptedSink()
        sink.setDefault(.init(status: 500))
        let base = try await sink.start()
        defer { sink.stop() }
        let clock = ManualClock()
        let policy = RetryPolicy(maxAttempts: 100, base: .seconds(4), cap: .seconds(60), deadline: .seconds(10))
        let lanes = TestLanes(baseURL: base, clock: clock, policy: policy)

        lanes.submit("ev-late", firstSeen: clock.nowMillis())
        await clock.waitForSleepers(1)
        #expect(clock.requestedSleeps.last == .seconds(4))
        clock.advance(by: .seconds(4))
        await clock.waitForSleepers(1)
        // The next backoff (8 s) would pass the deadline: the wait stops at the deadline instead.
        #expect(clock.requestedSleeps.last == .seconds(6))
        clock.advance(by: .seconds(6))
        #expect(await lanes.outcomes.waitFor(1))
        guard case .deadLettered(let reason, let last) = try #require(lanes.outcomes.all.first).outcome else {
            Issue.record("expected a dead letter")
            return
        }
        #expect(reason == "expired")
        #expect(last?.attempts == 2)
        #expect(sink.received.count == 2)
        await lanes.stop()
    }

    @Test("after max_attempts retriable failures the event is dead-lettered max_attempts")
    func maxAttempts() async throws {
        let sink = ScriptedSink()
        sink.setDefault(.init(status: 502))
        let base = try await sink.start()
        defer { sink.stop() }
        let clock = ManualClock()
        let lanes = TestLanes(baseURL: base, clock: clock, policy: RetryPolicy(maxAttempts: 3, base: .seconds(1), cap: .seconds(1), deadline: .seconds(3300)))

        lanes.submit("ev-max", firstSeen: clock.nowMillis())
        for _ in 0..<2 {
            await clock.waitForSleepers(1)
            clock.advance(by: .seconds(1))
        }
        #expect(await lanes.outcomes.waitFor(1))
        guard case .deadLettered(let reason, let last) = try #require(lanes.outcomes.all.first).outcome else {
            Issue.record("expected a dead letter")
            return
        }
        #expect(reason == "max_attempts")
        #expect(last?.attempts == 3)
        #expect(sink.received.count == 3)
        await lanes.stop()
    }

    @Test("a refused connection is retried, and delivered once the server is there")
    func networkErrorIsRetried() async throws {
        let clock = ManualClock()
        // A port nothing listens on: bind a sink, learn its port, stop it.
        let probe = ScriptedSink()
        let deadBase = try await probe.start()
        probe.stop()
        try await Task.sleep(for: .milliseconds(100))
        let lanes = TestLanes(baseURL: deadBase, clock: clock, policy: RetryPolicy(maxAttempts: 2, base: .seconds(1), cap: .seconds(1), deadline: .seconds(3300)))
        lanes.submit("ev-net", firstSeen: clock.nowMillis())
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(1))
        #expect(await lanes.outcomes.waitFor(1))
        guard case .deadLettered(let reason, let last) = try #require(lanes.outcomes.all.first).outcome else {
            Issue.record("expected a dead letter")
            return
        }
        #expect(reason == "max_attempts")
        #expect(last?.status == nil)
        #expect(last?.errorMessage?.isEmpty == false)
        await lanes.stop()
    }
}
