/// A topic and one of its partitions: the unit of assignment, ordering and offset commits.
public struct KafkaTopicPartition: Sendable, Hashable, CustomStringConvertible {
    /// The topic name.
    public var topic: String
    /// The partition number within `topic`.
    public var partition: Int32

    /// Creates a topic-partition pair.
    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    /// `topic[partition]`, the way librdkafka prints it.
    public var description: String { "\(topic)[\(partition)]" }
}
