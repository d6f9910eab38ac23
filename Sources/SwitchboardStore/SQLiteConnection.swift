internal import CSQLite

/// One SQLite connection, owned by exactly one user at a time (the writer thread, or the reader behind its lock).
///
/// Not `Sendable`: it is created and used by one owner. SQLite runs in multi-thread mode
/// (`SQLITE_OPEN_NOMUTEX`), which allows a connection to move between threads as long as two
/// threads never use it at once; the owners guarantee that.
final class SQLiteConnection {
    /// The database file, used in every error message.
    let path: String
    private var handle: OpaquePointer?

    /// Opens `path`; `create` decides whether a missing file is created.
    init(path: String, create: Bool, busyTimeoutMillis: Int32) throws(StoreError) {
        self.path = path
        var flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
        if create {
            flags |= SQLITE_OPEN_CREATE
        }
        var opened: OpaquePointer?
        let result = sqlite3_open_v2(path, &opened, flags, nil)
        guard result == SQLITE_OK, let opened else {
            let detail = opened.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(result))
            // sqlite3_open_v2 hands back a handle even on failure; it must still be closed.
            sqlite3_close_v2(opened)
            throw StoreError.sqlite(code: result, detail: detail, path: path, action: "opening the database")
        }
        handle = opened
        sqlite3_extended_result_codes(opened, 1)
        sqlite3_busy_timeout(opened, busyTimeoutMillis)
    }

    deinit {
        close()
    }

    /// Closes the connection; statements must have been finalized first. Safe to call twice.
    func close() {
        guard let handle else { return }
        sqlite3_close_v2(handle)
        self.handle = nil
    }

    /// Runs SQL that returns no rows we need (pragmas, schema, transaction control).
    func execute(_ sql: String, action: String) throws(StoreError) {
        let db = try open(action: action)
        let result = sqlite3_exec(db, sql, nil, nil, nil)
        guard result == SQLITE_OK else {
            throw lastError(code: result, action: action)
        }
    }

    /// Compiles a statement meant to be kept and reused.
    func prepare(_ sql: String, action: String) throws(StoreError) -> SQLiteStatement {
        let db = try open(action: action)
        var statement: OpaquePointer?
        let result = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard result == SQLITE_OK, let statement else {
            sqlite3_finalize(statement)
            throw lastError(code: result, action: action)
        }
        return SQLiteStatement(handle: statement, connection: self)
    }

    /// The rowid of the last successful INSERT on this connection.
    var lastInsertRowID: Int64 {
        guard let handle else { return 0 }
        return sqlite3_last_insert_rowid(handle)
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE on this connection.
    var changes: Int {
        guard let handle else { return 0 }
        return Int(sqlite3_changes64(handle))
    }

    /// True when no transaction is open, e.g. after SQLite rolled one back on its own after an I/O error.
    var isAutocommit: Bool {
        guard let handle else { return true }
        return sqlite3_get_autocommit(handle) != 0
    }

    /// An error for `code`, with SQLite's message for this connection when it describes that failure.
    func lastError(code: Int32, action: String) -> StoreError {
        var detail = String(cString: sqlite3_errstr(code))
        if let handle, sqlite3_extended_errcode(handle) == code {
            detail = String(cString: sqlite3_errmsg(handle))
        }
        return StoreError.sqlite(code: code, detail: detail, path: path, action: action)
    }

    private func open(action: String) throws(StoreError) -> OpaquePointer {
        guard let handle else {
            throw StoreError.closed(path: path)
        }
        return handle
    }
}
