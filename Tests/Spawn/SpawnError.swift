import Glibc

/// A system call that failed while starting or talking to a child process: the call's name and the error's text.
public struct SpawnError: Error, CustomStringConvertible, Sendable {
    /// The system call (or library function) that failed.
    public let call: String
    /// The error number it reported.
    public let code: Int32
    /// What went wrong, as `strerror` words it (or a sentence of our own when `code` is 0).
    public let message: String

    /// An error from `call` with the error number `code` (errno, or the return value of `posix_spawn*`).
    public init(call: String, code: Int32) {
        self.call = call
        self.code = code
        message = String(cString: strerror(code))
    }

    /// An error from `call` with the current `errno`.
    static func errno(_ call: String) -> SpawnError {
        SpawnError(call: call, code: Glibc.errno)
    }

    /// A failure that has no error number (a missing C library function, say).
    init(call: String, message: String) {
        self.call = call
        code = 0
        self.message = message
    }

    /// `call: message (errno N)`.
    public var description: String {
        code == 0 ? "\(call): \(message)" : "\(call): \(message) (errno \(code))"
    }
}
