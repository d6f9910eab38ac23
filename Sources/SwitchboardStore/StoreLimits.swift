/// How much the store keeps besides the journal: dead letters (by count and age) and the dedup window.
///
/// The writer enforces them itself: capacity inside the transaction that inserts a dead letter, age and the dedup
/// window in small chunks every `pruneInterval` (on the writer's next transaction, or while it is idle). Nothing
/// here ever removes a journal entry: an event without an outcome stays until it has one.
///
/// ```swift
/// let limits = StoreLimits(deadLetterCapacity: 100_000, deadLetterRetention: .seconds(14 * 86_400), dedupWindow: .seconds(86_400))
/// let journal = try Journal(directory: dir, capacity: 100_000, limits: limits, nowMillis: { clock.nowMillis() }, logger: logger)
/// ```
public struct StoreLimits: Sendable, Equatable {
    /// The most dead letters kept; past it the oldest are removed first.
    public var deadLetterCapacity: Int
    /// How long a dead letter is kept.
    public var deadLetterRetention: Duration
    /// How long a delivery is remembered against duplicates.
    public var dedupWindow: Duration
    /// How often (by the store's clock) old dead letters and old deliveries are looked for.
    public var pruneInterval: Duration
    /// The most rows one pruning step removes from a table, so no commit waits long behind it.
    public var pruneChunk: Int

    /// Makes limits; the defaults are those of the configuration (`journal.dead_letters`, `journal.dedup_window`).
    public init(
        deadLetterCapacity: Int = 100_000,
        deadLetterRetention: Duration = .seconds(14 * 86_400),
        dedupWindow: Duration = .seconds(86_400),
        pruneInterval: Duration = .seconds(10),
        pruneChunk: Int = 500
    ) {
        self.deadLetterCapacity = deadLetterCapacity
        self.deadLetterRetention = deadLetterRetention
        self.dedupWindow = dedupWindow
        self.pruneInterval = pruneInterval
        self.pruneChunk = pruneChunk
    }

    /// Refuses limits the store cannot work with.
    func check() throws(StoreError) {
        guard deadLetterCapacity >= 1 else {
            throw StoreError.invalidArgument("dead letter capacity must be at least 1, got \(deadLetterCapacity)")
        }
        guard pruneChunk >= 1 else { throw StoreError.invalidArgument("prune chunk must be at least 1, got \(pruneChunk)") }
        for (name, duration) in [("dead letter retention", deadLetterRetention), ("dedup window", dedupWindow), ("prune interval", pruneInterval)]
        where duration < .zero {
            throw StoreError.invalidArgument("\(name) must not be negative")
        }
    }

    /// Whole milliseconds of a duration, saturating instead of trapping on absurd values.
    static func millis(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else { return seconds < 0 ? .min : .max }
        let (total, carry) = whole.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        return carry ? .max : total
    }

    /// `now - duration`, saturating at the bottom.
    static func cutoff(now: Int64, minus duration: Duration) -> Int64 {
        let (value, overflow) = now.subtractingReportingOverflow(millis(duration))
        return overflow ? .min : value
    }
}
