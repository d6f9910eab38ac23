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

    /// Forgets deliveries recorded before `olderThanMillis`; returns how many were forgotten.
    public func pruneDelivered(olderThanMillis: Int64) async throws(StoreError) -> Int {
        Int(try await write(.pruneDelivered(olderThanMillis: olderThanMillis)))
    }
}
