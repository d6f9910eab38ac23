internal import CRdKafka

/// Owns an `rd_kafka_topic_partition_list_t` built from Swift values and frees it in `deinit`.
final class TopicPartitionList {
    let raw: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    /// A list of partitions, each with an offset (or none, for subscribe/pause/committed queries).
    init(_ entries: [(KafkaTopicPartition, Int64?)]) {
        raw = rd_kafka_topic_partition_list_new(Int32(clamping: max(entries.count, 1)))
        for (topicPartition, offset) in entries {
            let element = rd_kafka_topic_partition_list_add(raw, topicPartition.topic, topicPartition.partition)
            if let offset {
                element?.pointee.offset = offset
            }
        }
    }

    /// A list of partitions without offsets.
    convenience init(_ partitions: [KafkaTopicPartition]) {
        self.init(partitions.map { ($0, nil) })
    }

    deinit {
        rd_kafka_topic_partition_list_destroy(raw)
    }

    /// The entries of this list.
    var entries: [Entry] {
        Self.entries(of: raw)
    }

    /// One element of a C partition list.
    struct Entry {
        var topicPartition: KafkaTopicPartition
        var offset: Int64
        var error: rd_kafka_resp_err_t
    }

    /// Reads a list owned by librdkafka (for example the one passed to the rebalance callback).
    static func entries(of list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) -> [Entry] {
        guard let list, let elements = list.pointee.elems else { return [] }
        let count = Int(list.pointee.cnt)
        var result: [Entry] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            let element = elements[index]
            let topic = element.topic.map { String(cString: $0) } ?? ""
            result.append(Entry(
                topicPartition: KafkaTopicPartition(topic: topic, partition: element.partition),
                offset: element.offset,
                error: element.err
            ))
        }
        return result
    }
}
