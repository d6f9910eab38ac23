/// Why a ``Sandbox`` cannot start: a bad keys file (with file, line and column), bad options, or a failed server.
///
/// Descriptions never contain a key value.
public struct SandboxError: Error, CustomStringConvertible, Equatable {
    /// What kind of problem this is.
    public enum Kind: String, Sendable, Equatable {
        /// The keys file is missing, unreadable or invalid.
        case keysFile = "keys_file"
        /// An option has an unusable value.
        case options
        /// The server could not run (for example the port is taken, or `run()` was called twice).
        case server
    }

    /// What kind of problem this is.
    public var kind: Kind
    /// The file concerned, when there is one.
    public var file: String?
    /// The 1-based line in ``file``, when known.
    public var line: Int?
    /// The 1-based column in ``file``, when known.
    public var column: Int?
    /// What is wrong, in the user's words.
    public var reason: String

    /// Creates an error.
    public init(kind: Kind, file: String? = nil, line: Int? = nil, column: Int? = nil, reason: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason
    }

    /// `file:line:column: reason`, with the parts that are known.
    public var description: String {
        guard let file else {
            return "sandbox: \(reason)"
        }
        var place = file
        if let line {
            place += ":\(line)"
            if let column {
                place += ":\(column)"
            }
        }
        return "\(place): \(reason)"
    }
}
