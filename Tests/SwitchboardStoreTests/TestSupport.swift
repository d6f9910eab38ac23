import CSQLite
import Foundation
import Logging
import SwitchboardStore

/// A fresh directory under the system temp dir, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("switchboard-store-\(UUID().uuidString)", isDirectory: true).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A second, independent SQLite connection holding the database's write lock, like another process mid-write.
final class WriteLockHolder {
    private var handle: OpaquePointer?

    init(path: String) throws {
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK else {
            sqlite3_close_v2(handle)
            throw HolderError(message: "could not open \(path)")
        }
        guard sqlite3_exec(handle, "BEGIN IMMEDIATE", nil, nil, nil) == SQLITE_OK else {
            sqlite3_close_v2(handle)
            handle = nil
            throw HolderError(message: "could not take the write lock on \(path)")
        }
    }

    /// Ends the transaction and closes the connection, letting the journal's writer in.
    func release() {
        guard let handle else { return }
        sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
        sqlite3_close_v2(handle)
        self.handle = nil
    }

    deinit {
        release()
    }

    struct HolderError: Error {
        let message: String
    }
}

let testLogger = Logger(label: "switchboard.store.tests")

/// Where the store's clock stands in tests that do not drive it: just after `sampleDeadLetter`'s time, so nothing
/// expires by the wall clock while a test runs.
let sampleNowMillis: Int64 = 1_700_000_060_000

func openJournal(
    _ directory: TemporaryDirectory,
    capacity: Int = 10_000,
    limits: StoreLimits = StoreLimits(),
    busyTimeoutMillis: Int = 30_000,
    nowMillis: @escaping @Sendable () -> Int64 = { sampleNowMillis }
) throws(StoreError) -> Journal {
    try Journal(
        directory: directory.path, capacity: capacity, limits: limits, busyTimeoutMillis: busyTimeoutMillis,
        nowMillis: nowMillis, logger: testLogger
    )
}

func sampleEntry(_ number: Int, integration: String = "payments") -> NewJournalEntry {
    NewJournalEntry(
        integration: integration,
        route: "stripe-webhook",
        receivedAtMillis: 1_700_000_000_000 + Int64(number),
        metadata: Array("content-type: application/json\n".utf8),
        body: Array("{\"n\":\(number)}".utf8)
    )
}

func sampleDeadLetter(integration: String = "payments", reason: String = "rejected", body: String = "{}") -> NewDeadLetter {
    NewDeadLetter(
        integration: integration,
        route: "stripe-webhook",
        reason: reason,
        attempts: 3,
        lastStatus: 400,
        errorMessage: "External event id not valid",
        correlationID: "corr-123",
        eventID: "evt-abc",
        firstSeenMillis: 1_700_000_000_000,
        deadLetteredAtMillis: 1_700_000_060_000,
        contentType: "application/json",
        metadata: [0x00, 0x01, 0xFF],
        body: Array(body.utf8)
    )
}
