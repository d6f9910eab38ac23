import Logging

/// The writer thread's connection and prepared statements; applies one batch of requests per transaction.
///
/// Lives and dies on the writer thread, so it needs no locking of its own.
final class WriterSession {
    private let connection: SQLiteConnection
    private let logger: Logger

    private let begin: SQLiteStatement
    private let commit: SQLiteStatement
    private let rollback: SQLiteStatement
    private let savepoint: SQLiteStatement
    private let releaseSavepoint: SQLiteStatement
    private let rollbackToSavepoint: SQLiteStatement
    private let insertEntry: SQLiteStatement
    private let deleteEntry: SQLiteStatement
    private let insertDeadLetter: SQLiteStatement
    private let deleteDeadLetter: SQLiteStatement
    private let deleteMatchingDeadLetters: SQLiteStatement
    private let upsertDelivered: SQLiteStatement
    private let pruneDelivered: SQLiteStatement
    private let insertKafkaDelivered: SQLiteStatement
    private let deleteKafkaDelivered: SQLiteStatement
    private let pruner: StorePruner

    /// Entries without an outcome when the database was opened.
    let pendingAtOpen: Int

    /// Opens the database, applies the settings and schema, and compiles every write statement.
    init(path: String, busyTimeoutMillis: Int32, limits: StoreLimits, nowMillis: @escaping @Sendable () -> Int64, logger: Logger) throws(StoreError) {
        let connection = try SQLiteConnection(path: path, create: true, busyTimeoutMillis: busyTimeoutMillis)
        self.connection = connection
        self.logger = logger
        try StoreSchema.prepareWriter(connection)
        pruner = try StorePruner(connection: connection, limits: limits, nowMillis: nowMillis, logger: logger)
        pendingAtOpen = Int(
            try StoreSchema.singleInt(connection, "SELECT count(*) FROM journal", action: "counting pending events")
        )
        let action = "preparing the journal statements"
        begin = try connection.prepare("BEGIN IMMEDIATE", action: action)
        commit = try connection.prepare("COMMIT", action: action)
        rollback = try connection.prepare("ROLLBACK", action: action)
        savepoint = try connection.prepare("SAVEPOINT outcome", action: action)
        releaseSavepoint = try connection.prepare("RELEASE outcome", action: action)
        rollbackToSavepoint = try connection.prepare("ROLLBACK TO outcome", action: action)
        insertEntry = try connection.prepare(
            "INSERT INTO journal (integration, route, received_at_ms, metadata, body) VALUES (?, ?, ?, ?, ?)",
            action: action
        )
        deleteEntry = try connection.prepare("DELETE FROM journal WHERE id = ?", action: action)
        insertDeadLetter = try connection.prepare(
            """
            INSERT INTO dead_letters (integration, route, reason, attempts, last_status, error_message, \
            correlation_id, event_id, first_seen_ms, dead_lettered_at_ms, content_type, metadata, body, trace_id) \
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            action: action
        )
        deleteDeadLetter = try connection.prepare("DELETE FROM dead_letters WHERE id = ?", action: action)
        deleteMatchingDeadLetters = try connection.prepare(
            "DELETE FROM dead_letters WHERE id IN (SELECT id FROM dead_letters WHERE \(DeadLetterFilter.whereClause) ORDER BY id LIMIT ?5)",
            action: action
        )
        upsertDelivered = try connection.prepare(
            """
            INSERT INTO delivered (identity, delivered_at_ms) VALUES (?, ?) \
            ON CONFLICT (identity) DO UPDATE SET delivered_at_ms = max(delivered_at_ms, excluded.delivered_at_ms)
            """,
            action: action
        )
        pruneDelivered = try connection.prepare("DELETE FROM delivered WHERE delivered_at_ms < ?", action: action)
        insertKafkaDelivered = try connection.prepare(
            "INSERT OR REPLACE INTO kafka_delivered (topic, partition, offset, cluster, committed) VALUES (?, ?, ?, ?, ?)",
            action: action
        )
        deleteKafkaDelivered = try connection.prepare(
            "DELETE FROM kafka_delivered WHERE topic = ? AND partition = ? AND offset < ?", action: action
        )
    }

    /// Finalizes the statements and closes the connection (SQLite checkpoints the WAL if it is the last one).
    func close() {
        for statement in [
            begin, commit, rollback, savepoint, releaseSavepoint, rollbackToSavepoint, insertEntry, deleteEntry,
            insertDeadLetter, deleteDeadLetter, deleteMatchingDeadLetters, upsertDelivered, pruneDelivered,
            insertKafkaDelivered, deleteKafkaDelivered,
        ] {
            statement.finalize()
        }
        pruner.close()
        connection.close()
    }

    /// While no write waits: runs a pruning step in its own transaction when one is due. Returns true when more remains.
    func pruneWhileIdle() -> Bool {
        pruner.logIfDue()
        guard pruner.isPruneDue else { return false }
        do throws(StoreError) {
            try begin.run(action: "starting a transaction")
            try pruner.transactionBegan()
            let more = try pruner.pruneIfDue()
            try pruner.beforeCommit()
            try commit.run(action: "committing a transaction")
            pruner.committed()
            return more
        } catch {
            if !connection.isAutocommit { try? rollback.run(action: "rolling back a failed transaction") }
            pruner.transactionFailed()
            pruner.pruneFailed()
            logger.warning("pruning dead letters and the delivery window failed", metadata: [
                StoreLogKey.path: "\(connection.path)", StoreLogKey.error: "\(error.message)",
            ])
            return false
        }
    }

    // MARK: Batches

    /// Applies `batch` in one transaction and fills `outcomes` (same order). Returns whether COMMIT succeeded.
    ///
    /// One failing request fails alone; when the transaction itself is lost (BEGIN or COMMIT fails,
    /// or SQLite rolls back on an I/O error) every request of the batch fails, never a silent success.
    func apply(_ batch: [WriteRequest], outcomes: inout [WriteOutcome]) -> Bool {
        outcomes.removeAll(keepingCapacity: true)
        do throws(StoreError) {
            try begin.run(action: "starting a transaction")
        } catch {
            fail(batch, with: error, outcomes: &outcomes)
            return false
        }
        if let error = prune(), connection.isAutocommit {
            fail(batch, with: error, outcomes: &outcomes)
            return false
        }
        for request in batch {
            let mark = pruner.mark()
            let outcome = perform(request.operation)
            if case .failure(let error) = outcome {
                pruner.restore(mark)
                if connection.isAutocommit {
                    // SQLite already rolled the transaction back: earlier successes in this batch are gone too.
                    fail(batch, with: error, outcomes: &outcomes)
                    return false
                }
            }
            outcomes.append(outcome)
        }
        do throws(StoreError) {
            try pruner.beforeCommit()
        } catch {
            // Only the count of removed dead letters is lost, unless SQLite gave up the whole transaction.
            if connection.isAutocommit {
                fail(batch, with: error, outcomes: &outcomes)
                return false
            }
        }
        do throws(StoreError) {
            try commit.run(action: "committing a transaction")
            pruner.committed()
            return true
        } catch {
            if !connection.isAutocommit {
                try? rollback.run(action: "rolling back a failed transaction")
            }
            fail(batch, with: error, outcomes: &outcomes)
            return false
        }
    }

    /// The pruning step due at the start of a transaction; a failure is logged and leaves the batch alone
    /// unless it cost the transaction (the caller checks).
    private func prune() -> StoreError? {
        do throws(StoreError) {
            try pruner.transactionBegan()
            try pruner.pruneIfDue()
            return nil
        } catch {
            pruner.pruneFailed()
            logger.warning("pruning dead letters and the delivery window failed", metadata: [
                StoreLogKey.path: "\(connection.path)", StoreLogKey.error: "\(error.message)",
            ])
            return error
        }
    }

    private func fail(_ batch: [WriteRequest], with error: StoreError, outcomes: inout [WriteOutcome]) {
        pruner.transactionFailed()
        logger.error(
            "journal transaction failed",
            metadata: [
                StoreLogKey.path: "\(connection.path)",
                StoreLogKey.batchSize: "\(batch.count)",
                StoreLogKey.error: "\(error.message)",
            ]
        )
        outcomes.removeAll(keepingCapacity: true)
        for _ in batch {
            outcomes.append(.failure(error))
        }
    }

    private func perform(_ operation: WriteOperation) -> WriteOutcome {
        do throws(StoreError) {
            switch operation {
            case .append(let entry):
                return .success(try append(entry))
            case .complete(let entryID, let deadLetters):
                return .success(try complete(entryID: entryID, deadLetters: deadLetters))
            case .completeDelivered(let entryIDs):
                var deleted: Int64 = 0
                for entryID in entryIDs { deleted += try complete(entryID: entryID, deadLetters: []) }
                return .success(deleted)
            case .addDeadLetter(let letter):
                return .success(try insert(letter))
            case .removeDeadLetter(let id):
                return .success(try removeDeadLetter(id: id))
            case .removeDeadLetters(let filter, let limit):
                let action = "removing dead letters"
                try filter.bind(to: deleteMatchingDeadLetters, action: action)
                try deleteMatchingDeadLetters.bind(Int64(limit), at: 5, action: action)
                try deleteMatchingDeadLetters.run(action: action)
                pruner.deadLettersRemoved(connection.changes)
                return .success(Int64(connection.changes))
            case .replaceDeadLetter(let id, let letters):
                return .success(try replaceDeadLetter(id: id, with: letters))
            case .setMaxPageCount(let pages):
                return .success(try StoreSchema.singleInt(connection, "PRAGMA max_page_count = \(pages)", action: "setting max_page_count"))
            case .recordDelivered(let identity, let atMillis):
                let action = "recording a delivery"
                try upsertDelivered.bind(identity, at: 1, action: action)
                try upsertDelivered.bind(atMillis, at: 2, action: action)
                try upsertDelivered.run(action: action)
                return .success(0)
            case .recordKafkaDelivered(let records):
                let action = "recording Kafka deliveries"
                for record in records {
                    try insertKafkaDelivered.bind(record.topic, at: 1, action: action)
                    try insertKafkaDelivered.bind(Int64(record.partition), at: 2, action: action)
                    try insertKafkaDelivered.bind(record.offset, at: 3, action: action)
                    try insertKafkaDelivered.bind(record.clusterID, at: 4, action: action)
                    try insertKafkaDelivered.bind(record.committed, at: 5, action: action)
                    try insertKafkaDelivered.run(action: action)
                }
                return .success(Int64(records.count))
            case .forgetKafkaDelivered(let topic, let partition, let below):
                let action = "forgetting committed Kafka deliveries"
                try deleteKafkaDelivered.bind(topic, at: 1, action: action)
                try deleteKafkaDelivered.bind(Int64(partition), at: 2, action: action)
                try deleteKafkaDelivered.bind(below, at: 3, action: action)
                try deleteKafkaDelivered.run(action: action)
                return .success(Int64(connection.changes))
            case .pruneDelivered(let olderThanMillis):
                let action = "pruning the delivery window"
                try pruneDelivered.bind(olderThanMillis, at: 1, action: action)
                try pruneDelivered.run(action: action)
                return .success(Int64(connection.changes))
            }
        } catch {
            return .failure(error)
        }
    }

    private func append(_ entry: NewJournalEntry) throws(StoreError) -> Int64 {
        let action = "appending an event"
        defer { insertEntry.reset() }
        try insertEntry.bind(entry.integration, at: 1, action: action)
        try insertEntry.bind(entry.route, at: 2, action: action)
        try insertEntry.bind(entry.receivedAtMillis, at: 3, action: action)
        try insertEntry.bind(entry.metadata, at: 4, action: action)
        try insertEntry.bind(entry.body, at: 5, action: action)
        try insertEntry.run(action: action)
        return connection.lastInsertRowID
    }

    /// Deletes the entry and stores its dead letters as one unit; returns how many entries were deleted (0 or 1).
    private func complete(entryID: Int64, deadLetters: [NewDeadLetter]) throws(StoreError) -> Int64 {
        let action = "recording an outcome"
        guard !deadLetters.isEmpty else {
            try deleteEntry.bind(entryID, at: 1, action: action)
            try deleteEntry.run(action: action)
            return Int64(connection.changes)
        }
        // Two statements: a savepoint makes sure the entry is never deleted without its dead letter.
        try savepoint.run(action: action)
        do throws(StoreError) {
            for deadLetter in deadLetters { try insert(deadLetter) }
            try deleteEntry.bind(entryID, at: 1, action: action)
            try deleteEntry.run(action: action)
            let deleted = Int64(connection.changes)
            try releaseSavepoint.run(action: action)
            return deleted
        } catch {
            if !connection.isAutocommit {
                try? rollbackToSavepoint.run(action: "undoing a failed outcome")
                try? releaseSavepoint.run(action: "undoing a failed outcome")
            }
            throw error
        }
    }

    private func removeDeadLetter(id: Int64) throws(StoreError) -> Int64 {
        let action = "removing a dead letter"
        try deleteDeadLetter.bind(id, at: 1, action: action)
        try deleteDeadLetter.run(action: action)
        pruner.deadLettersRemoved(connection.changes)
        return Int64(connection.changes)
    }

    /// Deletes a dead letter and stores `letters` in its place as one unit; stores nothing when it was gone.
    private func replaceDeadLetter(id: Int64, with letters: [NewDeadLetter]) throws(StoreError) -> Int64 {
        let action = "replacing a dead letter"
        try savepoint.run(action: action)
        do throws(StoreError) {
            let removed = try removeDeadLetter(id: id)
            if removed > 0 {
                for letter in letters { try insert(letter) }
            }
            try releaseSavepoint.run(action: action)
            return removed
        } catch {
            if !connection.isAutocommit {
                try? rollbackToSavepoint.run(action: "undoing a failed replacement")
                try? releaseSavepoint.run(action: "undoing a failed replacement")
            }
            throw error
        }
    }

    @discardableResult
    private func insert(_ letter: NewDeadLetter) throws(StoreError) -> Int64 {
        let action = "storing a dead letter"
        let statement = insertDeadLetter
        defer { statement.reset() }
        try statement.bind(letter.integration, at: 1, action: action)
        try statement.bind(letter.route, at: 2, action: action)
        try statement.bind(letter.reason, at: 3, action: action)
        try statement.bind(Int64(letter.attempts), at: 4, action: action)
        try statement.bind(letter.lastStatus, at: 5, action: action)
        try statement.bind(letter.errorMessage, at: 6, action: action)
        try statement.bind(letter.correlationID, at: 7, action: action)
        try statement.bind(letter.eventID, at: 8, action: action)
        try statement.bind(letter.firstSeenMillis, at: 9, action: action)
        try statement.bind(letter.deadLetteredAtMillis, at: 10, action: action)
        try statement.bind(letter.contentType, at: 11, action: action)
        try statement.bind(letter.metadata, at: 12, action: action)
        try statement.bind(letter.body, at: 13, action: action)
        try statement.bind(letter.traceID, at: 14, action: action)
        try statement.run(action: action)
        let id = connection.lastInsertRowID
        try pruner.deadLetterInserted()
        return id
    }
}
