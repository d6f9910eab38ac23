/// A failure of the embedded store, with a stable code and a message that names the file and what to do.
///
/// Messages never contain event bodies or metadata, only the database path, the operation and
/// SQLite's own explanation, so they are safe to log and to show to an operator.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is; stable, so callers can branch on it (`.full` maps to HTTP 503).
    public enum Code: Sendable, Hashable {
        /// The journal already holds `capacity` events without an outcome.
        case full
        /// The journal was closed; no more writes or reads are accepted.
        case closed
        /// A caller passed a value the store cannot use (for example a capacity below 1).
        case invalidArgument
        /// The directory or database file cannot be created, opened or written.
        case cannotOpen
        /// The file is not a SQLite database, or it is damaged.
        case corrupt
        /// The database was written by a newer Switchboard with a schema this version does not know.
        case incompatibleSchema
        /// Another process kept the database locked for longer than the busy timeout.
        case busy
        /// The disk holding the database is full.
        case diskFull
        /// A value is larger than SQLite accepts.
        case tooLarge
        /// Any other SQLite failure, with SQLite's extended result code.
        case io(Int32)
    }

    /// What kind of failure this is.
    public let code: Code
    /// A human-readable explanation naming the database file and, where there is one, the remedy.
    public let message: String

    /// Creates an error from a code and a complete message.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The message, so interpolating the error into a log line or CLI output reads well.
    public var description: String { message }
}

extension StoreError {
    static func full(path: String, capacity: Int) -> StoreError {
        StoreError(
            code: .full,
            message: "journal \(path) is full (capacity \(capacity) events without an outcome); "
                + "ask the sender to retry later, or raise the journal capacity"
        )
    }

    static func closed(path: String) -> StoreError {
        StoreError(code: .closed, message: "journal \(path) is closed (Switchboard is shutting down)")
    }

    static func invalidArgument(_ text: String) -> StoreError {
        StoreError(code: .invalidArgument, message: text)
    }

    static func tooLarge(path: String, what: String, byteCount: Int) -> StoreError {
        StoreError(
            code: .tooLarge,
            message: "journal \(path): \(what) of \(byteCount) bytes is too large to store"
        )
    }
}
