internal import CSQLite

/// A compiled statement that is bound, stepped and reset many times; same ownership rule as its connection.
final class SQLiteStatement {
    private var handle: OpaquePointer?
    private let connection: SQLiteConnection

    init(handle: OpaquePointer, connection: SQLiteConnection) {
        self.handle = handle
        self.connection = connection
    }

    deinit {
        finalize()
    }

    /// Releases the statement; the connection can close only after all its statements are finalized.
    func finalize() {
        guard let handle else { return }
        sqlite3_finalize(handle)
        self.handle = nil
    }

    // MARK: Binding (indexes start at 1, as in SQLite)

    func bind(_ value: Int64, at index: Int32, action: String) throws(StoreError) {
        try check(sqlite3_bind_int64(try live(action), index, value), action: action)
    }

    func bind(_ value: Int?, at index: Int32, action: String) throws(StoreError) {
        let statement = try live(action)
        if let value {
            try check(sqlite3_bind_int64(statement, index, Int64(value)), action: action)
        } else {
            try check(sqlite3_bind_null(statement, index), action: action)
        }
    }

    func bind(_ value: String?, at index: Int32, action: String) throws(StoreError) {
        let statement = try live(action)
        guard var value else {
            try check(sqlite3_bind_null(statement, index), action: action)
            return
        }
        guard let count = Int32(exactly: value.utf8.count) else {
            throw StoreError.tooLarge(path: connection.path, what: "a text value", byteCount: value.utf8.count)
        }
        let result = value.withUTF8 { bytes -> Int32 in
            guard let base = bytes.baseAddress, count > 0 else {
                // A nil pointer would bind NULL; an empty string must stay an empty string.
                return switchboard_sqlite3_bind_text_copy(statement, index, "", 0)
            }
            return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { text in
                switchboard_sqlite3_bind_text_copy(statement, index, text, count)
            }
        }
        try check(result, action: action)
    }

    func bind(_ value: [UInt8], at index: Int32, action: String) throws(StoreError) {
        let statement = try live(action)
        guard let count = Int32(exactly: value.count) else {
            throw StoreError.tooLarge(path: connection.path, what: "a byte value", byteCount: value.count)
        }
        let result = value.withUnsafeBytes { bytes -> Int32 in
            guard let base = bytes.baseAddress, count > 0 else {
                // A nil pointer would bind NULL; an empty blob must stay an empty blob.
                return sqlite3_bind_zeroblob(statement, index, 0)
            }
            return switchboard_sqlite3_bind_blob_copy(statement, index, base, count)
        }
        try check(result, action: action)
    }

    // MARK: Running

    /// Advances the statement: true when a row is ready to read, false when it has finished.
    func step(action: String) throws(StoreError) -> Bool {
        let result = sqlite3_step(try live(action))
        switch result {
        case SQLITE_ROW:
            return true
        case SQLITE_DONE:
            return false
        default:
            throw connection.lastError(code: result, action: action)
        }
    }

    /// Runs a statement that returns no rows, then resets it for the next use.
    func run(action: String) throws(StoreError) {
        defer { reset() }
        while try step(action: action) {}
    }

    /// Makes the statement ready for new bindings and releases any read snapshot it holds.
    func reset() {
        guard let handle else { return }
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    // MARK: Reading the current row (columns start at 0, as in SQLite)

    func int64(at column: Int32) -> Int64 {
        guard let handle else { return 0 }
        return sqlite3_column_int64(handle, column)
    }

    func int(at column: Int32) -> Int {
        Int(truncatingIfNeeded: int64(at: column))
    }

    func optionalInt(at column: Int32) -> Int? {
        guard let handle, sqlite3_column_type(handle, column) != SQLITE_NULL else { return nil }
        return int(at: column)
    }

    func text(at column: Int32) -> String {
        guard let handle, let start = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    }

    func optionalText(at column: Int32) -> String? {
        guard let handle, sqlite3_column_type(handle, column) != SQLITE_NULL else { return nil }
        return text(at: column)
    }

    func bytes(at column: Int32) -> [UInt8] {
        guard let handle, let start = sqlite3_column_blob(handle, column) else { return [] }
        let count = Int(sqlite3_column_bytes(handle, column))
        return [UInt8](UnsafeRawBufferPointer(start: start, count: count))
    }

    // MARK: Private

    private func live(_ action: String) throws(StoreError) -> OpaquePointer {
        guard let handle else {
            throw StoreError.closed(path: connection.path)
        }
        return handle
    }

    private func check(_ result: Int32, action: String) throws(StoreError) {
        guard result == SQLITE_OK else {
            throw connection.lastError(code: result, action: action)
        }
    }
}
