/// How many dead letters the store removed to stay within its limits, by cause.
public struct DeadLetterEvictions: Sendable, Equatable {
    /// The oldest, removed because `capacity` dead letters were already held.
    public var capacity: Int
    /// Those older than the retention.
    public var retention: Int

    /// Makes counts.
    public init(capacity: Int = 0, retention: Int = 0) {
        self.capacity = capacity
        self.retention = retention
    }

    /// Both causes together.
    public var total: Int { capacity + retention }

    /// The names the counts are kept under in the `store_counters` table.
    static let capacityCounter = "dead_letters_evicted_capacity"
    static let retentionCounter = "dead_letters_evicted_retention"
}
