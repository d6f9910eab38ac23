/// One record read from Kafka, copied out of librdkafka so it can outlive the poll that produced it.
public struct KafkaMessage: Sendable {
    /// The topic the record was read from.
    public var topic: String
    /// The partition of `topic` the record was read from.
    public var partition: Int32
    /// The record's offset in its partition; pass it back to `KafkaConsumer.markDone`.
    public var offset: Int64
    /// The record key, or nil when the producer sent none.
    public var key: [UInt8]?
    /// The record value (empty for a null value).
    public var value: [UInt8]
    /// The record headers, in the order the producer wrote them.
    public var headers: [KafkaHeader]
    /// The record timestamp in milliseconds since 1970, when the broker provided one.
    public var timestampMillis: Int64?
    /// Which assignment of its partition handed the record out: an outcome from an assignment that has since been
    /// revoked (and perhaps assigned again) must not move the new assignment's watermark.
    public var assignment: UInt64 = 0

    /// Creates a message value; the consumer builds these from the records it polls.
    public init(
        topic: String,
        partition: Int32,
        offset: Int64,
        key: [UInt8]?,
        value: [UInt8],
        headers: [KafkaHeader],
        timestampMillis: Int64?
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestampMillis = timestampMillis
    }

    /// The first header called `name` (compared exactly), if any.
    public func header(named name: String) -> KafkaHeader? {
        headers.first { $0.name == name }
    }
}
