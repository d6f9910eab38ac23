/// One Kafka record header: a name and raw bytes (an empty array when the header has no value).
public struct KafkaHeader: Sendable, Hashable {
    /// The header name, as written by the producer.
    public var name: String
    /// The header value bytes.
    public var value: [UInt8]

    /// Creates a header from a name and its bytes.
    public init(name: String, value: [UInt8]) {
        self.name = name
        self.value = value
    }

    /// Creates a header whose value is the UTF-8 bytes of `string`.
    public init(name: String, string: String) {
        self.name = name
        self.value = Array(string.utf8)
    }
}
