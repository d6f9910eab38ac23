internal import CSQLite

extension StoreError {
    /// Turns a SQLite result code into an error that says which file, what we were doing and what to do next.
    static func sqlite(code resultCode: Int32, detail: String, path: String, action: String) -> StoreError {
        let primary = resultCode & 0xFF
        let base = "journal \(path): \(action) failed: \(detail) (SQLite code \(resultCode))"
        switch primary {
        case SQLITE_CORRUPT, SQLITE_NOTADB:
            return StoreError(
                code: .corrupt,
                message: base + "; the file is not a usable Switchboard journal. Stop Switchboard, move "
                    + "\(path) (and its -wal/-shm files) aside to start with an empty journal, or restore it from a backup"
            )
        case SQLITE_BUSY, SQLITE_LOCKED:
            return StoreError(
                code: .busy,
                message: base + "; another process kept the database locked too long. Check for another "
                    + "`switchboard run` using the same directory"
            )
        case SQLITE_FULL:
            return StoreError(code: .diskFull, message: base + "; free space on the disk holding \(path)")
        case SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_READONLY, SQLITE_AUTH:
            return StoreError(
                code: .cannotOpen,
                message: base + "; check that the directory exists and that this user may read and write it"
            )
        case SQLITE_TOOBIG:
            return StoreError(code: .tooLarge, message: base)
        default:
            return StoreError(code: .io(resultCode), message: base)
        }
    }
}
