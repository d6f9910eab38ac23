import Synchronization
import Testing
@testable import SwitchboardCore

@Suite("OutcomeWindow: the last 1 and 5 minutes of outcomes")
struct OutcomeWindowTests {
    /// A clock the test moves by hand.
    final class Seconds: Sendable {
        let now = Mutex<Int64>(1_000)
        func advance(_ seconds: Int64) { now.withLock { $0 += seconds } }
    }

    @Test("counts fall out of the 1-minute window after 60 s and out of the 5-minute window after 300 s")
    func windows() {
        let clock = Seconds()
        let window = OutcomeWindow(nowSeconds: { clock.now.withLock { $0 } }, wallMillis: { 42_000 })
        window.record(.received, count: 3)
        window.record(.delivered, count: 2)
        window.record(.deadLettered("rejected"))
        clock.advance(59)
        window.record(.received)
        #expect(window.counts(lastSeconds: 60) == .init(received: 4, delivered: 2, deadLettered: ["rejected": 1]))
        clock.advance(1)
        #expect(window.counts(lastSeconds: 60) == .init(received: 1, delivered: 0, deadLettered: [:]))
        #expect(window.counts(lastSeconds: 300) == .init(received: 4, delivered: 2, deadLettered: ["rejected": 1]))
        clock.advance(240)
        #expect(window.counts(lastSeconds: 300) == .init(received: 1, delivered: 0, deadLettered: [:]))
        clock.advance(58)  // 299 s after the last event
        #expect(window.counts(lastSeconds: 300).received == 1)
        clock.advance(1)
        #expect(window.counts(lastSeconds: 300) == .init())
        #expect(window.lastDeliveredMillis == 42_000)
    }

    @Test("a bucket reused five minutes later starts from zero; every reason has its column, unknown ones count as other")
    func reuseAndReasons() {
        let clock = Seconds()
        let window = OutcomeWindow(nowSeconds: { clock.now.withLock { $0 } })
        for reason in DeadLetterReason.allCases { window.record(.deadLettered(reason.rawValue)) }
        window.record(.deadLettered("something_new"))
        var expected = Dictionary(uniqueKeysWithValues: DeadLetterReason.allCases.map { ($0.rawValue, 1) })
        expected["other"] = 1
        #expect(window.counts(lastSeconds: 60).deadLettered == expected)
        #expect(window.counts(lastSeconds: 60).deadLetteredTotal == DeadLetterReason.allCases.count + 1)
        clock.advance(Int64(OutcomeWindow.span))  // the same slot of the ring, five minutes later
        window.record(.received)
        #expect(window.counts(lastSeconds: 300) == .init(received: 1))
        #expect(window.lastDeliveredMillis == nil)
    }

    @Test("the integration's counters feed its window as they feed /metrics")
    func metricsFeedTheWindow() {
        let metrics = IntegrationMetrics.named("outcome-window-test")
        metrics.received.increment()
        metrics.delivered.increment()
        metrics.deadLettered(reason: "expired").increment()
        metrics.deadLettered(reason: "not-a-reason").increment()
        let counts = metrics.window.counts(lastSeconds: 60)
        #expect(counts == .init(received: 1, delivered: 1, deadLettered: ["expired": 1, "other": 1]))
        #expect(metrics.window.lastDeliveredMillis != nil)
    }
}
