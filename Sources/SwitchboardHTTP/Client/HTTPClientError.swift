/// Why no response arrived.
///
/// The message comes from libcurl's error buffer (or the client itself). It never
/// contains request headers or bodies, so an API key cannot leak through it.
public struct HTTPClientError: Error, CustomStringConvertible {
    /// The broad reason, for deciding whether to retry.
    public enum Kind: Sendable, Hashable {
        /// The request's timeout passed before the response was complete.
        case timeout
        /// No connection could be made (refused, unreachable, name not resolved, TLS handshake failed).
        case connectFailed
        /// The response body was larger than the client's `maxResponseBytes`.
        case responseTooLarge
        /// The URL's scheme is not `http` or `https`.
        case protocolNotAllowed
        /// The client was shut down before or while the request ran.
        case shutdown
        /// Anything else: a malformed URL or request, a broken connection, a cancelled task.
        case other
    }

    /// The broad reason.
    public var kind: Kind
    /// A human-readable explanation, free of secrets.
    public var message: String

    /// Creates an error of a kind with an explanation.
    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    /// `HTTP request failed (<kind>): <message>`.
    public var description: String {
        "HTTP request failed (\(kind.label)): \(message)"
    }
}

extension HTTPClientError.Kind {
    /// A short lowercase name for logs and descriptions.
    var label: String {
        switch self {
        case .timeout: "timeout"
        case .connectFailed: "connect failed"
        case .responseTooLarge: "response too large"
        case .protocolNotAllowed: "protocol not allowed"
        case .shutdown: "shutdown"
        case .other: "other"
        }
    }
}

extension HTTPClientError {
    /// The client has been shut down.
    static let clientShutDown = HTTPClientError(kind: .shutdown, message: "the HTTP client has been shut down")
    /// The calling task was cancelled; the transfer was abandoned.
    static let cancelled = HTTPClientError(kind: .other, message: "the request was cancelled")
}
