/// A second connection for reads, so reads see the last committed state and never wait for the writer (WAL).
///
/// Used only under the journal's lock, one caller at a time. Every statement is reset right after
/// use so no read snapshot lingers and holds back WAL checkpoints.
final class ReaderSession {
    private let connection: SQLiteConnection
    private let pending: SQLiteStatement
    private let newestDeadLetters: SQLiteStatement
    private let oldestDeadLetters: SQLiteStatement
    private let countMatching: SQLiteStatement
    private let deadLetterByID: SQLiteStatement
    private let countDeadLetters: SQLiteStatement
    private let delivered: SQLiteStatement
    private let counters: SQLiteStatement
    private let kafkaDelivered: SQLiteStatement

    /// Opens the existing database read-only and compiles every read statement.
    init(path: String, busyTimeoutMillis: Int32) throws(StoreError) {
        let connection = try SQLiteConnection(path: path, create: false, busyTimeoutMillis: busyTimeoutMillis)
        self.connection = connection
        try StoreSchema.prepareReader(connection)
        let action = "preparing the read statements"
        let columns = StoreSchema.deadLetterColumns
        pending = try connection.prepare(
            "SELECT id, integration, route, received_at_ms, metadata, body FROM journal ORDER BY id",
            action: action
        )
        let filter = DeadLetterFilter.whereClause
        newestDeadLetters = try connection.prepare(
            "SELECT \(columns) FROM dead_letters WHERE \(filter) AND id < ?5 ORDER BY id DESC LIMIT ?6",
            action: action
        )
        oldestDeadLetters = try connection.prepare(
            "SELECT \(columns) FROM dead_letters WHERE \(filter) AND id > ?5 ORDER BY id LIMIT ?6",
            action: action
        )
        countMatching = try connection.prepare("SELECT count(*) FROM dead_letters WHERE \(filter)", action: action)
        deadLetterByID = try connection.prepare("SELECT \(columns) FROM dead_letters WHERE id = ?", action: action)
        countDeadLetters = try connection.prepare("SELECT count(*) FROM dead_letters", action: action)
        delivered = try connection.prepare(
            "SELECT 1 FROM delivered WHERE identity = ? AND delivered_at_ms >= ?",
            action: action
        )
        counters = try connection.prepare("SELECT name, value FROM store_counters", action: action)
        kafkaDelivered = try connection.prepare(
            """
            SELECT offset FROM kafka_delivered \
            WHERE topic = ? AND partition = ? AND cluster = ? AND committed <= ? AND offset >= ? ORDER BY offset
            """,
            action: action
        )
    }

    /// Finalizes the statements and closes the connection.
    func close() {
        for statement in [
            pending, newestDeadLetters, oldestDeadLetters, countMatching, deadLetterByID, countDeadLetters, delivered, counters, kafkaDelivered,
        ] {
            statement.finalize()
        }
        connection.close()
    }

    func pendingEntries() throws(StoreError) -> [JournalEntry] {
        let action = "reading pending events"
        defer { pending.reset() }
        var entries: [JournalEntry] = []
        while try pending.step(action: action) {
            entries.append(
                JournalEntry(
                    id: pending.int64(at: 0),
                    integration: pending.text(at: 1),
                    route: pending.text(at: 2),
                    receivedAtMillis: pending.int64(at: 3),
                    metadata: pending.bytes(at: 4),
                    body: pending.bytes(at: 5)
                )
            )
        }
        return entries
    }

    /// One page of the dead letters `filter` selects: newest first below `cursor`, or oldest first above it.
    func deadLetters(matching filter: DeadLetterFilter, newestFirst: Bool, after cursor: Int64?, limit: Int) throws(StoreError) -> [DeadLetter] {
        let action = "listing dead letters"
        let statement = newestFirst ? newestDeadLetters : oldestDeadLetters
        defer { statement.reset() }
        try filter.bind(to: statement, action: action)
        try statement.bind(cursor ?? (newestFirst ? .max : .min), at: 5, action: action)
        try statement.bind(Int64(limit), at: 6, action: action)
        var letters: [DeadLetter] = []
        while try statement.step(action: action) {
            letters.append(Self.deadLetter(from: statement))
        }
        return letters
    }

    func deadLetterCount(matching filter: DeadLetterFilter) throws(StoreError) -> Int {
        let action = "counting dead letters"
        defer { countMatching.reset() }
        try filter.bind(to: countMatching, action: action)
        guard try countMatching.step(action: action) else { return 0 }
        return countMatching.int(at: 0)
    }

    func deadLetter(id: Int64) throws(StoreError) -> DeadLetter? {
        let action = "reading a dead letter"
        defer { deadLetterByID.reset() }
        try deadLetterByID.bind(id, at: 1, action: action)
        guard try deadLetterByID.step(action: action) else { return nil }
        return Self.deadLetter(from: deadLetterByID)
    }

    func deadLetterCount() throws(StoreError) -> Int {
        let action = "counting dead letters"
        defer { countDeadLetters.reset() }
        guard try countDeadLetters.step(action: action) else { return 0 }
        return countDeadLetters.int(at: 0)
    }

    func deadLetterEvictions() throws(StoreError) -> DeadLetterEvictions {
        let action = "reading the store counters"
        defer { counters.reset() }
        var evictions = DeadLetterEvictions()
        while try counters.step(action: action) {
            switch counters.text(at: 0) {
            case DeadLetterEvictions.capacityCounter: evictions.capacity = counters.int(at: 1)
            case DeadLetterEvictions.retentionCounter: evictions.retention = counters.int(at: 1)
            default: break
            }
        }
        return evictions
    }

    func kafkaDeliveredOffsets(topic: String, partition: Int32, clusterID: String, committed: Int64) throws(StoreError) -> [Int64] {
        let action = "reading Kafka deliveries"
        defer { kafkaDelivered.reset() }
        try kafkaDelivered.bind(topic, at: 1, action: action)
        try kafkaDelivered.bind(Int64(partition), at: 2, action: action)
        try kafkaDelivered.bind(clusterID, at: 3, action: action)
        try kafkaDelivered.bind(committed, at: 4, action: action)
        try kafkaDelivered.bind(committed, at: 5, action: action)
        var offsets: [Int64] = []
        while try kafkaDelivered.step(action: action) { offsets.append(kafkaDelivered.int64(at: 0)) }
        return offsets
    }

    func wasDelivered(identity: String, sinceMillis: Int64) throws(StoreError) -> Bool {
        let action = "checking the delivery window"
        defer { delivered.reset() }
        try delivered.bind(identity, at: 1, action: action)
        try delivered.bind(sinceMillis, at: 2, action: action)
        return try delivered.step(action: action)
    }

    /// Reads one row laid out as `StoreSchema.deadLetterColumns`.
    private static func deadLetter(from row: SQLiteStatement) -> DeadLetter {
        DeadLetter(
            id: row.int64(at: 0),
            NewDeadLetter(
                integration: row.text(at: 1),
                route: row.text(at: 2),
                reason: row.text(at: 3),
                attempts: row.int(at: 4),
                lastStatus: row.optionalInt(at: 5),
                errorMessage: row.optionalText(at: 6),
                correlationID: row.optionalText(at: 7),
                eventID: row.optionalText(at: 8),
                firstSeenMillis: row.int64(at: 9),
                deadLetteredAtMillis: row.int64(at: 10),
                contentType: row.optionalText(at: 11),
                metadata: row.bytes(at: 12),
                body: row.bytes(at: 13),
                traceID: row.optionalText(at: 14)
            )
        )
    }
}
