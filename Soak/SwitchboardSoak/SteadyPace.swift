/// One conversation's steady rhythm: an event every `period`, without catching up in a burst after a stall.
struct SteadyPace {
    private let period: Duration
    private var next: ContinuousClock.Instant

    /// Starts after `offset` (so conversations do not all send in the same instant).
    init(period: Duration, offset: Duration) {
        self.period = period
        self.next = ContinuousClock.now + offset
    }

    /// Sleeps until the next event is due.
    mutating func wait() async {
        let now = ContinuousClock.now
        if next > now { try? await Task.sleep(until: next, clock: .continuous) }
        next = max(next + period, ContinuousClock.now)
    }
}
