import Synchronization

/// Spaces attempts evenly so an integration never exceeds its `rate_limit` (e.g. `200/s`).
final class RateLimiter: Sendable {
    private let intervalMillis: Double
    private let clock: any DeliveryClock
    /// The earliest time (wall milliseconds, fractional) the next attempt may start.
    private let next = Mutex<Double>(0)

    init(count: Int, per: Duration, clock: any DeliveryClock) {
        self.intervalMillis = Double(per.milliseconds) / Double(max(1, count))
        self.clock = clock
    }

    /// Waits for this attempt's slot.
    func acquire() async {
        let now = Double(clock.nowMillis())
        let wait = next.withLock { next -> Double in
            let slot = max(next, now)
            next = slot + intervalMillis
            return slot - now
        }
        if wait >= 1 {
            try? await clock.sleep(for: .milliseconds(Int64(wait)))
        }
    }
}
