/// One External Event on its way, with what its source needs to hear about its outcome.
public struct Delivery: Sendable {
    /// The event to post.
    public var event: ExternalEvent
    /// The route that brought it in.
    public var route: String
    /// Wall-clock milliseconds when the inbound event was first seen (the deadline counts from here).
    public var firstSeenMillis: Int64
    /// Where the event came from: what its outcome releases (a journal entry, a Kafka offset).
    public var source: DeliverySource

    /// Makes a delivery.
    public init(event: ExternalEvent, route: String, firstSeenMillis: Int64, source: DeliverySource) {
        self.event = event
        self.route = route
        self.firstSeenMillis = firstSeenMillis
        self.source = source
    }
}

/// Where a delivery came from, so its outcome finds its way back: the webhook journal entry, or the Kafka message.
public enum DeliverySource: Sendable, Hashable {
    /// A journalled webhook: its entry in the journal.
    case journal(entry: Int64)
    /// A Kafka message: the source's number for it, and the partition it was read from.
    case kafka(message: UInt64, topic: String, partition: Int32)
    /// Nothing to release (tests, tools).
    case detached

    /// The Kafka partition a delivery was read from, if it came from Kafka.
    public var kafkaPartition: (topic: String, partition: Int32)? {
        if case .kafka(_, let topic, let partition) = self { return (topic, partition) }
        return nil
    }
}
