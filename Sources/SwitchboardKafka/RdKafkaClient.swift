internal import CRdKafka

/// Owns one `rd_kafka_t` (and, for a consumer, its consumer queue reference) and frees them in `deinit`.
/// It also keeps the callback context alive until librdkafka can no longer call back into it.
final class RdKafkaClient: Sendable {
    /// The kind of librdkafka instance.
    enum Kind: Sendable {
        case producer
        case consumer
    }

    let handle: RdKafkaPointer
    /// The consumer group queue (consumers only): yielding it wakes a blocked `rd_kafka_consumer_poll`.
    let consumerQueue: RdKafkaPointer?
    private let context: ClientContext

    /// Creates the librdkafka instance; the configuration must already carry every setting.
    /// `configure` runs on the raw configuration right before creation (callbacks, events).
    init(
        kind: Kind,
        conf: RdKafkaConf,
        context: ClientContext,
        configure: (OpaquePointer) -> Void = { _ in }
    ) throws(KafkaError) {
        guard let rawConf = conf.raw else {
            throw KafkaError.local("configuration already used")
        }
        context.install(on: rawConf)
        configure(rawConf)
        var errorText = [CChar](repeating: 0, count: 512)
        let type = kind == .producer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER
        guard let created = rd_kafka_new(type, rawConf, &errorText, errorText.count) else {
            let reason = String(decoding: errorText.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw KafkaError.local("librdkafka refused the configuration: \(conf.redact(reason))")
        }
        conf.relinquish()
        self.handle = RdKafkaPointer(raw: created)
        self.context = context
        if kind == .consumer {
            // Route errors and logs of the main queue through rd_kafka_consumer_poll on the poll thread.
            rd_kafka_poll_set_consumer(created)
            self.consumerQueue = rd_kafka_queue_get_consumer(created).map { RdKafkaPointer(raw: $0) }
        } else {
            self.consumerQueue = nil
        }
    }

    deinit {
        if let consumerQueue {
            rd_kafka_queue_destroy(consumerQueue.raw)
        }
        rd_kafka_destroy(handle.raw)
    }

    /// Wakes the poll thread if it is blocked in `rd_kafka_consumer_poll`.
    func wakeConsumer() {
        if let consumerQueue {
            rd_kafka_queue_yield(consumerQueue.raw)
        }
    }
}

/// The librdkafka version, e.g. "2.0.2".
var librdkafkaVersion: String {
    String(cString: rd_kafka_version_str())
}

extension KafkaError {
    /// An error carrying librdkafka's code and its standard description, with what we were doing.
    init(_ code: rd_kafka_resp_err_t, while doing: String) {
        self.init(code: code.rawValue, message: "\(doing): \(String(cString: rd_kafka_err2str(code)))")
    }

    /// Wraps and frees an `rd_kafka_error_t` returned by newer librdkafka calls; nil for no error.
    static func consuming(_ error: OpaquePointer?, while doing: String) -> KafkaError? {
        guard let error else { return nil }
        defer { rd_kafka_error_destroy(error) }
        let code = rd_kafka_error_code(error)
        let text = rd_kafka_error_string(error).map { String(cString: $0) } ?? String(cString: rd_kafka_err2str(code))
        return KafkaError(code: code.rawValue, message: "\(doing): \(text)")
    }
}
