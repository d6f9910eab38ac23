extension Journal {
    /// The newest dead letters first, at most `limit` (none when `limit` is below 1), optionally of one integration.
    public func deadLetters(limit: Int, integration: String?) throws(StoreError) -> [DeadLetter] {
        guard limit > 0 else { return [] }
        return try read { session throws(StoreError) in
            try session.deadLetters(limit: limit, integration: integration)
        }
    }

    /// The dead letter with this id, or nil when there is none.
    public func deadLetter(id: Int64) throws(StoreError) -> DeadLetter? {
        try read { session throws(StoreError) in
            try session.deadLetter(id: id)
        }
    }

    /// Deletes a dead letter (after a successful replay, or on request); false when there was none with that id.
    public func removeDeadLetter(id: Int64) async throws(StoreError) -> Bool {
        try await write(.removeDeadLetter(id: id)) > 0
    }

    /// How many dead letters are stored.
    public func deadLetterCount() throws(StoreError) -> Int {
        try read { session throws(StoreError) in
            try session.deadLetterCount()
        }
    }

    /// How many dead letters the store has removed to stay within `limits` (oldest past capacity, older than
    /// the retention), since the file was created.
    public func deadLetterEvictions() throws(StoreError) -> DeadLetterEvictions {
        try read { session throws(StoreError) in
            try session.deadLetterEvictions()
        }
    }

    /// Stores a dead letter for an event that was never journalled (a Kafka event); returns its id after COMMIT.
    public func addDeadLetter(_ letter: NewDeadLetter) async throws(StoreError) -> Int64 {
        try await write(.addDeadLetter(letter))
    }
}
