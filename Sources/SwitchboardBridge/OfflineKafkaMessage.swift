import SwitchboardCore

/// A Kafka message as a producer would write it, for `OfflineBridge`: no broker is involved.
public struct OfflineKafkaMessage: Sendable {
    /// The topic it is written to.
    public var topic: String
    /// The message key, if any.
    public var key: [UInt8]?
    /// The message headers, in order.
    public var headers: [Header]
    /// The value.
    public var value: [UInt8]

    /// Makes a message.
    public init(topic: String, key: [UInt8]? = nil, headers: [Header] = [], value: [UInt8]) {
        self.topic = topic
        self.key = key
        self.headers = headers
        self.value = value
    }
}
