/// One HTTP header.
public struct HTTPHeader: Sendable, Hashable {
    /// The header name as sent, or lowercased when it came from a response.
    public var name: String
    /// The header value, without surrounding whitespace.
    public var value: String

    /// Creates a header from its name and value.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}
