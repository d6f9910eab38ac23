/// A request to send.
public struct HTTPClientRequest: Sendable {
    /// The absolute `http://` or `https://` URL, query included.
    public var url: String
    /// The request method; `POST` unless told otherwise.
    public var method: String = "POST"
    /// Headers to send, in order; `Expect` is suppressed unless given here.
    public var headers: [HTTPHeader]
    /// The request body, sent as is.
    public var body: [UInt8]
    /// The longest the whole exchange may take, connecting included.
    public var timeout: Duration

    /// Creates a request; by default an empty `POST` with a 10 second timeout.
    public init(
        url: String,
        method: String = "POST",
        headers: [HTTPHeader] = [],
        body: [UInt8] = [],
        timeout: Duration = .seconds(10)
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}
