internal import CRdKafka
import Logging
import Synchronization

/// Produces (dead letters). send returns only after the broker acknowledged (delivery report), or throws.
///
/// Defaults to `acks=all`, so an acknowledged message is on every in-sync replica. Delivery reports are served
/// by librdkafka's own background thread; no Swift thread is parked.
public final class KafkaProducer: Sendable {
    private let client: RdKafkaClient
    private let logger: Logger
    private let closed = Mutex(false)

    /// Creates the librdkafka producer; `options` are passed through and override the defaults.
    /// A rejected option throws a `KafkaError` naming the key.
    public init(brokers: [String], options: [String: String], logger: Logger) throws(KafkaError) {
        var settings: [(key: String, value: String)] = []
        if !brokers.isEmpty {
            settings.append(("bootstrap.servers", brokers.joined(separator: ",")))
        }
        settings.append(("client.id", "switchboard"))
        settings.append(("acks", "all"))
        settings.append(("log_level", String(ClientContext.syslogLevel(for: logger.logLevel))))
        for key in options.keys.sorted() {
            if let value = options[key] {
                settings.append((key, value))
            }
        }
        let conf = try RdKafkaConf(settings: settings)
        self.client = try RdKafkaClient(
            kind: .producer,
            conf: conf,
            context: ClientContext(logger: logger, role: "producer")
        ) { rawConf in
            rd_kafka_conf_set_events(rawConf, Int32(RD_KAFKA_EVENT_DR))
            rd_kafka_conf_set_background_event_cb(rawConf, producerBackgroundEventCallback)
        }
        self.logger = logger
        logger.info("Kafka producer started", metadata: [KafkaLogKey.version: "\(librdkafkaVersion)"])
    }

    /// Sends one message and waits for the broker's acknowledgement (the delivery report).
    public func send(topic: String, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader]) async throws(KafkaError) {
        if closed.withLock({ $0 }) {
            throw KafkaError.local("the Kafka producer is shut down")
        }
        let handle = client.handle
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, KafkaError>, Never>) in
            let opaque = Unmanaged.passRetained(DeliveryWaiter(continuation)).toOpaque()
            let code = Self.produce(handle: handle, topic: topic, key: key, value: value, headers: headers, opaque: opaque)
            if code != RD_KAFKA_RESP_ERR_NO_ERROR {
                // librdkafka did not take the message: no delivery report will come, answer here.
                let waiter = Unmanaged<DeliveryWaiter>.fromOpaque(opaque).takeRetainedValue()
                waiter.finish(.failure(KafkaError(code, while: "producing to \(topic)")))
            }
        }
        try result.get()
    }

    /// Flushes what is queued (bounded by `flushTimeout`), fails what is left, and refuses further sends.
    /// Blocks the calling thread for up to `flushTimeout`.
    public func shutdown(flushTimeout: Duration = .seconds(10)) {
        let wasOpen = closed.withLock { closed in
            defer { closed = true }
            return !closed
        }
        guard wasOpen else { return }
        let code = rd_kafka_flush(client.handle.raw, ConsumerCore.milliseconds(flushTimeout))
        if code != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.warning(
                "Kafka producer could not flush every message in time; failing the rest",
                metadata: [KafkaLogKey.error: "\(String(cString: rd_kafka_err2str(code)))"]
            )
            _ = rd_kafka_purge(client.handle.raw, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
        }
    }

    /// Hands one message to librdkafka (payload copied) with its headers.
    private static func produce(
        handle: RdKafkaPointer,
        topic: String,
        key: [UInt8]?,
        value: [UInt8],
        headers: [KafkaHeader],
        opaque: UnsafeMutableRawPointer
    ) -> rd_kafka_resp_err_t {
        var headerList: OpaquePointer?
        if !headers.isEmpty {
            headerList = rd_kafka_headers_new(headers.count)
            for header in headers {
                header.value.withUnsafeBytes { bytes in
                    _ = rd_kafka_header_add(headerList, header.name, -1, bytes.baseAddress, bytes.count)
                }
            }
        }
        let code = value.withUnsafeBytes { valueBytes in
            withOptionalBytes(key) { keyBytes in
                switchboard_rdkafka_produce(
                    handle.raw,
                    topic,
                    keyBytes?.baseAddress,
                    keyBytes?.count ?? 0,
                    valueBytes.baseAddress,
                    valueBytes.count,
                    headerList,
                    opaque
                )
            }
        }
        if code != RD_KAFKA_RESP_ERR_NO_ERROR, let headerList {
            rd_kafka_headers_destroy(headerList)
        }
        return code
    }

    private static func withOptionalBytes<Result>(
        _ bytes: [UInt8]?,
        _ body: (UnsafeRawBufferPointer?) -> Result
    ) -> Result {
        guard let bytes else { return body(nil) }
        return bytes.withUnsafeBytes { body($0) }
    }
}

/// background_event_cb: librdkafka's background thread hands over delivery-report batches here.
private func producerBackgroundEventCallback(
    _ handle: OpaquePointer?,
    _ event: OpaquePointer?,
    _ opaque: UnsafeMutableRawPointer?
) {
    guard let event else { return }
    defer { rd_kafka_event_destroy(event) }
    guard rd_kafka_event_type(event) == Int32(RD_KAFKA_EVENT_DR) else { return }
    while let message = rd_kafka_event_message_next(event) {
        guard let waiterPointer = message.pointee._private else { continue }
        let waiter = Unmanaged<DeliveryWaiter>.fromOpaque(waiterPointer).takeRetainedValue()
        let code = message.pointee.err
        if code == RD_KAFKA_RESP_ERR_NO_ERROR {
            waiter.finish(.success(()))
        } else {
            waiter.finish(.failure(KafkaError(code, while: "delivering to Kafka")))
        }
    }
}
