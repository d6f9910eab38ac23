/// A failure reported by librdkafka or by this module; the message never contains an option value.
public struct KafkaError: Error, CustomStringConvertible, Sendable {
    /// librdkafka's `rd_kafka_resp_err_t` raw value, or `KafkaError.localCode` (-1) for failures found in Swift.
    public var code: Int32
    /// What went wrong, in words a user can act on.
    public var message: String

    /// The `code` of errors raised by this module rather than by librdkafka.
    public static let localCode: Int32 = -1

    /// Creates an error from a code and a message.
    public init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    /// A readable one-line form: the message, then the code when librdkafka produced it.
    public var description: String {
        if code == Self.localCode {
            return "Kafka: \(message)"
        }
        return "Kafka: \(message) (librdkafka error \(code))"
    }
}

extension KafkaError {
    /// An error raised by this module, not by librdkafka.
    static func local(_ message: String) -> KafkaError {
        KafkaError(code: localCode, message: message)
    }

    /// An option the user passed that librdkafka does not know; names the key, never the value.
    static func unknownOption(_ key: String) -> KafkaError {
        KafkaError(code: localCode, message: "unknown Kafka option \"\(key)\" (check kafka.options)")
    }

    /// An option whose value librdkafka rejected; names the key, never the value (it may be a password).
    static func invalidOption(_ key: String) -> KafkaError {
        KafkaError(code: localCode, message: "invalid value for Kafka option \"\(key)\" (check kafka.options)")
    }
}
