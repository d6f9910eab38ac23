/// A request to the External Events API, fully built (URL with query parameters, headers including the key).
public struct OutboundRequest: Sendable {
    /// The full URL.
    public var url: String
    /// Headers, the `X-Api-Key` among them: never log these.
    public var headers: [Header]
    /// The body.
    public var body: [UInt8]
    /// How long to wait for the whole exchange.
    public var timeout: Duration

    /// Makes a request.
    public init(url: String, headers: [Header], body: [UInt8], timeout: Duration) {
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// What came back from one attempt.
public enum TransportResult: Sendable {
    /// An HTTP response (any status).
    case response(status: Int, headers: [Header], body: [UInt8])
    /// No response: timeout, refused connection, reset, oversized answer.
    case failure(TransportFailure)
}

/// Why an attempt got no response.
public struct TransportFailure: Sendable, Equatable {
    /// Whether the request timed out (reported as such in logs and dead letters).
    public var isTimeout: Bool
    /// What happened, never containing request headers.
    public var message: String

    /// Makes a failure.
    public init(isTimeout: Bool, message: String) {
        self.isTimeout = isTimeout
        self.message = message
    }
}

/// Sends requests to the External Events API (libcurl in production, anything HTTP in tests).
public protocol ExternalEventsTransport: Sendable {
    /// Sends one request and reports what came back; never throws.
    func send(_ request: OutboundRequest) async -> TransportResult
}
