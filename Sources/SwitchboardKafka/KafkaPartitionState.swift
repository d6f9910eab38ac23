/// A snapshot of one assigned partition for metrics and status pages.
public struct KafkaPartitionState: Sendable, Hashable {
    /// The topic name.
    public var topic: String
    /// The partition number.
    public var partition: Int32
    /// The stored watermark: the next offset a restarted consumer reads (committed periodically); nil before the first outcome.
    public var storedOffset: Int64?
    /// The highest offset handed to the handler so far.
    public var highestOffsetSeen: Int64?
    /// Messages handed out whose outcome is not recorded yet.
    public var pending: Int
    /// True while consumption is paused because `pending` reached `maxPendingPerPartition`.
    public var paused: Bool
    /// Messages in the partition past the watermark (high watermark minus the lowest offset without outcome), when known.
    public var lag: Int64?

    /// Creates a snapshot value.
    public init(
        topic: String,
        partition: Int32,
        storedOffset: Int64?,
        highestOffsetSeen: Int64?,
        pending: Int,
        paused: Bool,
        lag: Int64?
    ) {
        self.topic = topic
        self.partition = partition
        self.storedOffset = storedOffset
        self.highestOffsetSeen = highestOffsetSeen
        self.pending = pending
        self.paused = paused
        self.lag = lag
    }
}
