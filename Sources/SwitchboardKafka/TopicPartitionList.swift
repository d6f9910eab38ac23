internal import CRdKafka
import Foundation

/// Owns an `rd_kafka_topic_partition_list_t` built from Swift values and frees it in `deinit`.
final class TopicPartitionList {
    let raw: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    /// A list of partitions, each with an offset (or none, for subscribe/pause/committed queries).
    convenience init(_ entries: [(KafkaTopicPartition, Int64?)]) {
        self.init(commits: entries.map { ($0.0, $0.1, nil) })
    }

    /// A list of partitions with offsets and commit metadata (librdkafka frees the metadata copy with the list).
    init(commits entries: [(KafkaTopicPartition, Int64?, String?)]) {
        raw = rd_kafka_topic_partition_list_new(Int32(clamping: max(entries.count, 1)))
        for (topicPartition, offset, metadata) in entries {
            guard let element = rd_kafka_topic_partition_list_add(raw, topicPartition.topic, topicPartition.partition) else { continue }
            if let offset {
                element.pointee.offset = offset
            }
            if let metadata, !metadata.isEmpty, let copy = malloc(metadata.utf8.count) {
                let bytes = Array(metadata.utf8)
                bytes.withUnsafeBytes { source in
                    if let base = source.baseAddress { copy.copyMemory(from: base, byteCount: bytes.count) }
                }
                element.pointee.metadata = copy
                element.pointee.metadata_size = bytes.count
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
        /// The commit metadata, when the entry carries any (committed offsets read back).
        var metadata: String?
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
            var metadata: String?
            if let bytes = element.metadata, element.metadata_size > 0 {
                metadata = String(decoding: UnsafeRawBufferPointer(start: bytes, count: element.metadata_size), as: UTF8.self)
            }
            result.append(Entry(
                topicPartition: KafkaTopicPartition(topic: topic, partition: element.partition),
                offset: element.offset,
                error: element.err,
                metadata: metadata
            ))
        }
        return result
    }
}
