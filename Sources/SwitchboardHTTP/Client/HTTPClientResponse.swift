/// A response; header names lowercased.
public struct HTTPClientResponse: Sendable {
    /// The HTTP status code, e.g. 201.
    public var status: Int
    /// The response headers in arrival order, names lowercased.
    public var headers: [HTTPHeader]
    /// The response body, at most the client's `maxResponseBytes`.
    public var body: [UInt8]

    /// Creates a response from its parts.
    public init(status: Int, headers: [HTTPHeader] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of the first header with this name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name == wanted }?.value
    }
}
