import Logging
import Metrics

/// Keeps the dead letters and the dedup window within `StoreLimits`, on the writer's connection, inside the
/// writer's own transactions: no extra commit, and no extra query per event beyond one indexed delete when the
/// dead letters are full.
///
/// The dead letter count is kept in memory (counted once, then adjusted), and counted again only when another
/// process (the `switchboard dlq` CLI) has written to the file (`PRAGMA data_version` moved) or a write failed.
/// Only `dead_letters` and `delivered` are ever touched: journal entries wait for their outcome.
final class StorePruner {
    private static let evictedByCapacity = Counter(label: "switchboard_dead_letters_evicted_total", dimensions: [("cause", "capacity")])
    private static let evictedByRetention = Counter(label: "switchboard_dead_letters_evicted_total", dimensions: [("cause", "retention")])
    /// At most one log line about removed dead letters per minute (by the store's clock).
    static let logIntervalMillis: Int64 = 60_000

    /// What a request inside the transaction may change, to put back when it fails.
    struct Mark {
        fileprivate var pending: DeadLetterEvictions
    }

    private let limits: StoreLimits
    private let nowMillis: @Sendable () -> Int64
    private let logger: Logger
    private let path: String

    private let dataVersion: SQLiteStatement
    private let countDeadLetters: SQLiteStatement
    private let evictOldest: SQLiteStatement
    private let expireDeadLetters: SQLiteStatement
    private let expireDelivered: SQLiteStatement
    private let addToCounter: SQLiteStatement
    private let connection: SQLiteConnection

    private var deadLetterCount: Int?
    private var knownDataVersion: Int64?
    private var nextPruneAtMillis: Int64 = .min
    private var pending = DeadLetterEvictions()
    private var unlogged = DeadLetterEvictions()
    private var lastLogMillis: Int64?

    init(connection: SQLiteConnection, limits: StoreLimits, nowMillis: @escaping @Sendable () -> Int64, logger: Logger) throws(StoreError) {
        self.connection = connection
        self.limits = limits
        self.nowMillis = nowMillis
        self.logger = logger
        path = connection.path
        let action = "preparing the pruning statements"
        dataVersion = try connection.prepare("PRAGMA data_version", action: action)
        countDeadLetters = try connection.prepare("SELECT count(*) FROM dead_letters", action: action)
        evictOldest = try connection.prepare(
            "DELETE FROM dead_letters WHERE id IN (SELECT id FROM dead_letters ORDER BY id LIMIT ?)", action: action
        )
        expireDeadLetters = try connection.prepare(
            """
            DELETE FROM dead_letters WHERE id IN \
            (SELECT id FROM dead_letters WHERE dead_lettered_at_ms < ? ORDER BY dead_lettered_at_ms LIMIT ?)
            """,
            action: action
        )
        expireDelivered = try connection.prepare(
            """
            DELETE FROM delivered WHERE identity IN \
            (SELECT identity FROM delivered WHERE delivered_at_ms < ? ORDER BY delivered_at_ms LIMIT ?)
            """,
            action: action
        )
        addToCounter = try connection.prepare(
            "INSERT INTO store_counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
            action: action
        )
    }

    func close() {
        for statement in [dataVersion, countDeadLetters, evictOldest, expireDeadLetters, expireDelivered, addToCounter] {
            statement.finalize()
        }
    }

    // MARK: Inside a transaction

    /// Call right after BEGIN: forgets the count when another connection has changed the file since.
    func transactionBegan() throws(StoreError) {
        pending = DeadLetterEvictions()
        let action = "checking for other writers"
        defer { dataVersion.reset() }
        guard try dataVersion.step(action: action) else { return }
        let version = dataVersion.int64(at: 0)
        if version != knownDataVersion { deadLetterCount = nil }
        knownDataVersion = version
    }

    /// A dead letter was inserted: past capacity, the oldest go (a bounded number per insert).
    func deadLetterInserted() throws(StoreError) {
        // A fresh count already holds the new row.
        var count: Int
        if let known = deadLetterCount { count = known + 1 } else { count = try currentCount() }
        deadLetterCount = count
        if count > limits.deadLetterCapacity {
            let removed = try delete(evictOldest, limit: min(count - limits.deadLetterCapacity, limits.pruneChunk))
            count -= removed
            deadLetterCount = count
            pending.capacity += removed
        }
    }

    /// Dead letters were removed on request (replayed, deleted).
    func deadLettersRemoved(_ count: Int) {
        deadLetterCount = deadLetterCount.map { max(0, $0 - count) }
    }

    /// Whether the next pruning step is due by the store's clock.
    var isPruneDue: Bool { nowMillis() >= nextPruneAtMillis }

    /// When due: one chunk each of expired dead letters, dead letters past capacity and expired deliveries.
    /// Returns true when a chunk was full, so more remains (the next transaction continues).
    @discardableResult
    func pruneIfDue() throws(StoreError) -> Bool {
        let now = nowMillis()
        guard now >= nextPruneAtMillis else { return false }
        let chunk = limits.pruneChunk
        let before = try currentCount()
        let expired = try delete(expireDeadLetters, olderThan: StoreLimits.cutoff(now: now, minus: limits.deadLetterRetention), limit: chunk)
        pending.retention += expired
        var count = max(0, before - expired)
        var evicted = 0
        if count > limits.deadLetterCapacity {
            evicted = try delete(evictOldest, limit: min(count - limits.deadLetterCapacity, chunk))
            pending.capacity += evicted
            count -= evicted
        }
        deadLetterCount = count
        let forgotten = try delete(expireDelivered, olderThan: StoreLimits.cutoff(now: now, minus: limits.dedupWindow), limit: chunk)
        let more = expired == chunk || evicted == chunk || forgotten == chunk
        let (next, overflow) = now.addingReportingOverflow(StoreLimits.millis(limits.pruneInterval))
        nextPruneAtMillis = more ? now : (overflow ? .max : next)
        return more
    }

    /// Call before COMMIT: adds this transaction's removals to the counts kept in the file.
    func beforeCommit() throws(StoreError) {
        for (name, value) in [(DeadLetterEvictions.capacityCounter, pending.capacity), (DeadLetterEvictions.retentionCounter, pending.retention)]
        where value > 0 {
            let action = "counting removed dead letters"
            defer { addToCounter.reset() }
            try addToCounter.bind(name, at: 1, action: action)
            try addToCounter.bind(Int64(value), at: 2, action: action)
            try addToCounter.run(action: action)
        }
    }

    /// Call after COMMIT: counts the removals in metrics and logs them (at most once a minute).
    func committed() {
        if pending.capacity > 0 { Self.evictedByCapacity.increment(by: pending.capacity) }
        if pending.retention > 0 { Self.evictedByRetention.increment(by: pending.retention) }
        unlogged.capacity += pending.capacity
        unlogged.retention += pending.retention
        pending = DeadLetterEvictions()
        logIfDue()
    }

    /// Call when the transaction was lost: what it did is undone, so counts are taken again.
    func transactionFailed() {
        pending = DeadLetterEvictions()
        deadLetterCount = nil
        nextPruneAtMillis = .min
    }

    /// A pruning step failed but the transaction goes on: what it removed still counts; it is retried after
    /// the interval, so a lasting problem is not retried (and logged) on every transaction.
    func pruneFailed() {
        deadLetterCount = nil
        let (next, overflow) = nowMillis().addingReportingOverflow(StoreLimits.millis(limits.pruneInterval))
        nextPruneAtMillis = overflow ? .max : next
    }

    /// The state to go back to if the next request fails.
    func mark() -> Mark { Mark(pending: pending) }

    /// A request failed and SQLite undid its changes: its removals did not happen, and the count is unsure.
    func restore(_ mark: Mark) {
        pending = mark.pending
        deadLetterCount = nil
    }

    /// Logs removals not yet logged, once a minute at most.
    func logIfDue() {
        guard unlogged.total > 0 else { return }
        let now = nowMillis()
        if let lastLogMillis, now >= lastLogMillis, now - lastLogMillis < Self.logIntervalMillis { return }
        logger.warning("dead letters removed to stay within the store's limits", metadata: [
            StoreLogKey.path: "\(path)",
            StoreLogKey.evictedCapacity: "\(unlogged.capacity)",
            StoreLogKey.evictedRetention: "\(unlogged.retention)",
            StoreLogKey.deadLetterCapacity: "\(limits.deadLetterCapacity)",
        ])
        unlogged = DeadLetterEvictions()
        lastLogMillis = now
    }

    // MARK: Statements

    private func currentCount() throws(StoreError) -> Int {
        if let deadLetterCount { return deadLetterCount }
        let action = "counting dead letters"
        defer { countDeadLetters.reset() }
        let count = try countDeadLetters.step(action: action) ? countDeadLetters.int(at: 0) : 0
        deadLetterCount = count
        return count
    }

    private func delete(_ statement: SQLiteStatement, limit: Int) throws(StoreError) -> Int {
        let action = "removing the oldest dead letters"
        try statement.bind(Int64(limit), at: 1, action: action)
        try statement.run(action: action)
        return connection.changes
    }

    private func delete(_ statement: SQLiteStatement, olderThan cutoff: Int64, limit: Int) throws(StoreError) -> Int {
        let action = "removing expired dead letters and deliveries"
        try statement.bind(cutoff, at: 1, action: action)
        try statement.bind(Int64(limit), at: 2, action: action)
        try statement.run(action: action)
        return connection.changes
    }
}
