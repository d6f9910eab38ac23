extension Journal {
    /// The newest dead letters first, at most `limit` (none when `limit` is below 1), optionally of one integration.
    public func deadLetters(limit: Int, integration: String?) throws(StoreError) -> [DeadLetter] {
        try deadLetters(matching: DeadLetterFilter(integration: integration), order: .newestFirst, after: nil, limit: limit)
    }

    /// The order of a page of dead letters.
    public enum DeadLetterOrder: Sendable {
        /// Highest id first (`dlq list`).
        case newestFirst
        /// Lowest id first (a replay, so events of one conversation go out in the order they came).
        case oldestFirst
    }

    /// One page of at most `limit` dead letters that `filter` selects. Pass the last id of a page as `after` to
    /// get the next one (ids below it when newest first, above it when oldest first); nil starts at the beginning.
    public func deadLetters(matching filter: DeadLetterFilter, order: DeadLetterOrder, after cursor: Int64?, limit: Int) throws(StoreError) -> [DeadLetter] {
        guard limit > 0 else { return [] }
        return try read { session throws(StoreError) in
            try session.deadLetters(matching: filter, newestFirst: order == .newestFirst, after: cursor, limit: limit)
        }
    }

    /// How many dead letters `filter` selects.
    public func deadLetterCount(matching filter: DeadLetterFilter) throws(StoreError) -> Int {
        try read { session throws(StoreError) in
            try session.deadLetterCount(matching: filter)
        }
    }

    /// Deletes at most `limit` of the dead letters `filter` selects, oldest first, in one transaction; returns how
    /// many. Call again until it returns 0 (with `filter.throughID` set, so new dead letters are not chased).
    public func removeDeadLetters(matching filter: DeadLetterFilter, limit: Int) async throws(StoreError) -> Int {
        guard limit > 0 else { return 0 }
        return Int(try await write(.removeDeadLetters(filter, limit: limit)))
    }

    /// Replaces a dead letter by `letters` in one transaction (a replay that delivered some of its events keeps only
    /// the others). Returns false, storing nothing, when the dead letter is gone (replayed or purged meanwhile).
    public func replaceDeadLetter(id: Int64, with letters: [NewDeadLetter]) async throws(StoreError) -> Bool {
        try await write(.replaceDeadLetter(id: id, with: letters)) > 0
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
