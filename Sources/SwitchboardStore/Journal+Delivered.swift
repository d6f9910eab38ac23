extension Journal {
    /// Remembers that the event with this source identity ("kafka:topic/3/1042", "stripe:evt_123") was delivered.
    ///
    /// Group-committed like every write; recording an identity again keeps the later time.
    public func recordDelivered(identity: String, atMillis: Int64) async throws(StoreError) {
        _ = try await write(.recordDelivered(identity: identity, atMillis: atMillis))
    }

    /// Whether the identity was recorded as delivered at or after `sinceMillis`.
    public func wasDelivered(identity: String, sinceMillis: Int64) throws(StoreError) -> Bool {
        try read { session throws(StoreError) in
            try session.wasDelivered(identity: identity, sinceMillis: sinceMillis)
        }
    }

    /// Remembers Kafka messages delivered above their partition's committed offset (group-committed with the
    /// other writes), so a restart after a crash skips them.
    public func recordKafkaDelivered(_ records: [KafkaDeliveryRecord]) async throws(StoreError) {
        guard !records.isEmpty else { return }
        _ = try await write(.recordKafkaDelivered(records))
    }

    /// The offsets of a partition at or above its committed offset recorded as delivered for this cluster against
    /// that committed offset or an earlier one (a record outlives the commits made while it was being written). Read
    /// once per assignment, never per message.
    public func kafkaDeliveredOffsets(topic: String, partition: Int32, clusterID: String, committed: Int64) throws(StoreError) -> [Int64] {
        try read { session throws(StoreError) in
            try session.kafkaDeliveredOffsets(topic: topic, partition: partition, clusterID: clusterID, committed: committed)
        }
    }

    /// Forgets a partition's records below `offset` (a commit made them part of the committed offset).
    @discardableResult
    public func forgetKafkaDelivered(topic: String, partition: Int32, below offset: Int64) async throws(StoreError) -> Int {
        Int(try await write(.forgetKafkaDelivered(topic: topic, partition: partition, below: offset)))
    }

    /// Forgets deliveries recorded before `olderThanMillis`; returns how many were forgotten.
    public func pruneDelivered(olderThanMillis: Int64) async throws(StoreError) -> Int {
        Int(try await write(.pruneDelivered(olderThanMillis: olderThanMillis)))
    }
}
