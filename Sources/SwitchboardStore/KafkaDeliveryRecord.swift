/// A Kafka message delivered above its partition's committed offset, remembered on this host so that a restart
/// after a crash does not post it again. Trusted only for the same cluster and the same committed offset.
public struct KafkaDeliveryRecord: Sendable, Equatable {
    /// The message's topic.
    public var topic: String
    /// The message's partition.
    public var partition: Int32
    /// The message's offset.
    public var offset: Int64
    /// The cluster id the offset belongs to.
    public var clusterID: String
    /// The partition's last commit sent when the message was delivered (the offset the record extends).
    public var committed: Int64

    /// A record as given.
    public init(topic: String, partition: Int32, offset: Int64, clusterID: String, committed: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.clusterID = clusterID
        self.committed = committed
    }
}
