import Foundation
import Logging
import Synchronization

/// The durable journal of events waiting for an outcome, plus dead letters and the delivery window, in one SQLite file.
///
/// A webhook is answered `202` only after `append` returns, and `append` returns only after the
/// transaction holding the event has committed with a full fsync. All writes go to one dedicated
/// writer thread, which puts every write that arrived while it was busy into its next transaction
/// (group commit), so many events share one fsync. Reads use a second connection and see the last
/// committed state without waiting for the writer; another process (the `switchboard dlq` CLI) may
/// open the same directory at the same time.
///
/// ```swift
/// let journal = try Journal(directory: "/var/lib/switchboard", capacity: 10_000, logger: logger)
/// for entry in try journal.pendingEntries() { replay(entry) }      // after a crash
/// let id = try await journal.append(entry)                         // then answer 202
/// try await journal.complete(entryID: id, deadLetter: nil)         // delivered
/// journal.close()
/// ```
public final class Journal: Sendable {
    /// The database file: `<directory>/journal.sqlite`.
    public let path: String
    /// The most events allowed without an outcome; `append` throws `.full` beyond it.
    public let capacity: Int
    /// How many dead letters and how old a delivery the store keeps (enforced by the writer).
    public let limits: StoreLimits

    private let channel: WriterChannel
    private let reader: Mutex<ReaderSession?>
    private let logger: Logger

    /// Opens (creating if needed) `<directory>/journal.sqlite`. Work happens on one dedicated writer thread (a Thread, not the Swift pool).
    ///
    /// `busyTimeoutMillis` is how long a write or read waits while another process holds the database lock.
    /// `limits` bound the dead letters and the dedup window; `nowMillis` is the wall clock they are measured by
    /// (milliseconds since 1970; tests pass a manual clock).
    public init(
        directory: String,
        capacity: Int,
        limits: StoreLimits = StoreLimits(),
        busyTimeoutMillis: Int = 5_000,
        nowMillis: @escaping @Sendable () -> Int64 = Journal.systemNowMillis,
        logger: Logger
    ) throws(StoreError) {
        guard capacity >= 1 else {
            throw StoreError.invalidArgument("journal capacity must be at least 1, got \(capacity)")
        }
        try limits.check()
        guard let busyTimeout = Int32(exactly: busyTimeoutMillis), busyTimeout >= 0 else {
            throw StoreError.invalidArgument(
                "journal busy timeout must be between 0 and \(Int32.max) milliseconds, got \(busyTimeoutMillis)"
            )
        }
        let path = try Self.databasePath(in: directory)
        self.path = path
        self.capacity = capacity
        self.limits = limits
        self.logger = logger

        let channel = WriterChannel(path: path, capacity: capacity)
        WriterThread.start(channel: channel, busyTimeoutMillis: busyTimeout, limits: limits, nowMillis: nowMillis, logger: logger)
        let pending: Int
        switch channel.waitUntilOpened() {
        case .success(let count):
            pending = count
        case .failure(let error):
            channel.waitUntilFinished()
            throw error
        }
        let session: ReaderSession
        do throws(StoreError) {
            session = try ReaderSession(path: path, busyTimeoutMillis: busyTimeout)
        } catch {
            channel.stopAccepting()
            channel.waitUntilFinished()
            throw error
        }
        self.channel = channel
        self.reader = Mutex(session)
        logger.debug("journal opened", metadata: [StoreLogKey.path: "\(path)", StoreLogKey.pending: "\(pending)"])
    }

    deinit {
        close()
    }

    /// The system's wall clock in milliseconds since 1970.
    @Sendable
    public static func systemNowMillis() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// Appends an event; returns its id only after the transaction holding it has COMMITTED (group commit with other waiters).
    /// Throws StoreError.full when `depth >= capacity`, StoreError.closed after close().
    public func append(_ entry: NewJournalEntry) async throws(StoreError) -> Int64 {
        try await write(.append(entry))
    }

    /// Records an outcome: deletes the entry and, when `deadLetter` is given, inserts it — in the same transaction. Group-committed too.
    ///
    /// An id with no entry (already completed) deletes nothing; a given dead letter is still stored, so it is never lost.
    public func complete(entryID: Int64, deadLetter: NewDeadLetter?) async throws(StoreError) {
        _ = try await write(.complete(entryID: entryID, deadLetters: deadLetter.map { [$0] } ?? []))
    }

    /// Records the outcome of an entry that fanned out into several events: deletes it and stores every dead
    /// letter, in one transaction.
    public func complete(entryID: Int64, deadLetters: [NewDeadLetter]) async throws(StoreError) {
        _ = try await write(.complete(entryID: entryID, deadLetters: deadLetters))
    }

    /// Records many outcomes without dead letters (delivered, or mapped to nothing): deletes those entries, in one
    /// transaction, with one wait for the whole group.
    public func complete(entryIDs: [Int64]) async throws(StoreError) {
        _ = try await write(.completeDelivered(entryIDs: entryIDs))
    }

    /// Entries still without an outcome, oldest first (replayed at start).
    public func pendingEntries() throws(StoreError) -> [JournalEntry] {
        try reader.withLock { (session: inout sending ReaderSession?) throws(StoreError) -> [JournalEntry] in
            guard let session else { throw StoreError.closed(path: path) }
            return try session.pendingEntries()
        }
    }

    /// Entries without an outcome right now (kept in memory, cheap); includes appends still waiting for their commit.
    public var depth: Int {
        channel.depth
    }

    /// Transactions committed by this journal's writer since it was opened (several writes share one).
    public var committedTransactions: Int {
        channel.committedTransactions
    }

    /// True once `close()` has begun: new writes are refused (for readiness checks).
    public var isClosed: Bool {
        !channel.isAccepting
    }

    /// Stops accepting writes, finishes what is queued, closes the database. Idempotent.
    ///
    /// Blocks until the writer thread has committed the queued writes and closed its connection.
    public func close() {
        let first = channel.stopAccepting()
        channel.waitUntilFinished()
        reader.withLock { (session: inout sending ReaderSession?) in
            session?.close()
            session = nil
        }
        if first {
            logger.debug("journal closed", metadata: [StoreLogKey.path: "\(path)"])
        }
    }

    // MARK: Internals shared by the extensions

    /// Hands a write to the writer thread and waits until its transaction has committed or failed.
    func write(_ operation: WriteOperation) async throws(StoreError) -> Int64 {
        let outcome = await withUnsafeContinuation { (continuation: UnsafeContinuation<WriteOutcome, Never>) in
            channel.submit(operation, continuation: continuation)
        }
        return try outcome.get()
    }

    /// Runs a read on the reader connection, or throws `.closed` after `close()`.
    func read<Value: Sendable>(
        _ body: (ReaderSession) throws(StoreError) -> Value
    ) throws(StoreError) -> Value {
        try reader.withLock { (session: inout sending ReaderSession?) throws(StoreError) -> Value in
            guard let session else { throw StoreError.closed(path: path) }
            return try body(session)
        }
    }

    /// `<directory>/journal.sqlite`, creating the directory when it is missing.
    private static func databasePath(in directory: String) throws(StoreError) -> String {
        guard !directory.isEmpty else {
            throw StoreError.invalidArgument("journal directory must not be empty")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw StoreError(
                    code: .cannotOpen,
                    message: "journal directory \(directory) is a file, not a directory; point the store at a directory"
                )
            }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                let reason = error.localizedDescription.trimmingCharacters(in: CharacterSet(charactersIn: ". "))
                throw StoreError(
                    code: .cannotOpen,
                    message: "cannot create journal directory \(directory): \(reason); "
                        + "check that the parent exists and this user may write to it"
                )
            }
        }
        return URL(fileURLWithPath: directory, isDirectory: true).appendingPathComponent("journal.sqlite").path
    }
}
