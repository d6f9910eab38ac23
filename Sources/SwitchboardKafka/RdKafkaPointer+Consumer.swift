internal import CRdKafka

/// The consumer-side librdkafka calls, on an `rd_kafka_t` owned by an `RdKafkaClient`.
extension RdKafkaPointer {
    /// Subscribes the group consumer to `topics`.
    func subscribe(_ topics: [String]) -> KafkaError? {
        let list = TopicPartitionList(topics.map {
            (KafkaTopicPartition(topic: $0, partition: switchboard_rdkafka_partition_unassigned), nil)
        })
        let code = rd_kafka_subscribe(raw, list.raw)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            return KafkaError(code, while: "subscribing to \(topics.joined(separator: ","))")
        }
        return nil
    }

    /// Leaves every subscribed topic (their partitions are revoked).
    func unsubscribe() -> KafkaError? {
        let code = rd_kafka_unsubscribe(raw)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else { return KafkaError(code, while: "unsubscribing") }
        return nil
    }

    /// Stops fetching the partitions; messages already prefetched for them are discarded by librdkafka's
    /// version barrier and fetched again from the last handed-out position on resume. Non-blocking.
    func pause(_ partitions: [KafkaTopicPartition]) {
        guard !partitions.isEmpty else { return }
        let list = TopicPartitionList(partitions)
        _ = rd_kafka_pause_partitions(raw, list.raw)
    }

    /// Resumes fetching the partitions. Non-blocking.
    func resume(_ partitions: [KafkaTopicPartition]) {
        guard !partitions.isEmpty else { return }
        let list = TopicPartitionList(partitions)
        _ = rd_kafka_resume_partitions(raw, list.raw)
    }

    /// Commits positions with their metadata: synchronously (revoke, close) or queued (`async`, the periodic commit,
    /// whose result reaches the offset-commit callback on the poll thread).
    func commit(_ points: [(KafkaTopicPartition, Int64, String?)], async: Bool) -> KafkaError? {
        guard !points.isEmpty else { return nil }
        let list = TopicPartitionList(commits: points)
        let code = rd_kafka_commit(raw, list.raw, async ? 1 : 0)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR || code == RD_KAFKA_RESP_ERR__NO_OFFSET else {
            return KafkaError(code, while: "committing offsets")
        }
        return nil
    }

    /// The group's committed positions for `partitions`; blocks up to `timeoutMilliseconds`.
    func committed(
        _ partitions: [KafkaTopicPartition],
        timeoutMilliseconds: Int32
    ) -> Result<[KafkaTopicPartition: Int64], KafkaError> {
        committedWithMetadata(partitions, timeoutMilliseconds: timeoutMilliseconds).map { $0.mapValues(\.offset) }
    }

    /// The group's committed positions for `partitions` with the metadata committed alongside; blocks up to
    /// `timeoutMilliseconds`. Partitions without a committed offset are absent.
    func committedWithMetadata(
        _ partitions: [KafkaTopicPartition],
        timeoutMilliseconds: Int32
    ) -> Result<[KafkaTopicPartition: (offset: Int64, metadata: String?)], KafkaError> {
        guard !partitions.isEmpty else { return .success([:]) }
        let list = TopicPartitionList(partitions)
        let code = rd_kafka_committed(raw, list.raw, timeoutMilliseconds)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            return .failure(KafkaError(code, while: "reading committed offsets"))
        }
        var result: [KafkaTopicPartition: (offset: Int64, metadata: String?)] = [:]
        for entry in list.entries where entry.error == RD_KAFKA_RESP_ERR_NO_ERROR && entry.offset >= 0 {
            result[entry.topicPartition] = (entry.offset, entry.metadata)
        }
        return .success(result)
    }

    /// The cluster's id from the brokers' metadata, waiting up to `timeoutMilliseconds`; nil when not known.
    func clusterID(timeoutMilliseconds: Int32) -> String? {
        guard let id = rd_kafka_clusterid(raw, timeoutMilliseconds) else { return nil }
        defer { rd_kafka_mem_free(raw, id) }
        return String(cString: id)
    }

    /// The last high watermark librdkafka saw for the partition (cached from fetches, non-blocking).
    func cachedHighWatermark(_ partition: KafkaTopicPartition) -> Int64? {
        var low: Int64 = 0
        var high: Int64 = 0
        let code = rd_kafka_get_watermark_offsets(raw, partition.topic, partition.partition, &low, &high)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR, high >= 0 else { return nil }
        return high
    }

    /// True when the current assignment was lost (session timeout) rather than revoked in order.
    var assignmentLost: Bool {
        rd_kafka_assignment_lost(raw) != 0
    }

    /// True when the group uses the cooperative (incremental) rebalance protocol.
    var isCooperative: Bool {
        guard let name = rd_kafka_rebalance_protocol(raw) else { return false }
        return String(cString: name) == "COOPERATIVE"
    }

    /// Leaves the group: runs the final revoke through the rebalance callback, then closes.
    func closeConsumer() -> KafkaError? {
        let code = rd_kafka_consumer_close(raw)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            return KafkaError(code, while: "closing the consumer")
        }
        return nil
    }
}
