internal import CRdKafka
import Logging
import Synchronization

/// Produces (dead letters). send returns only after the broker acknowledged (delivery report), or throws.
///
/// Defaults to `acks=all`, so an acknowledged message is on every in-sync replica. Delivery reports are served
/// (and librdkafka's error callbacks) by one dedicated thread blocking in `rd_kafka_poll`, never by the cooperative pool.
public final class KafkaProducer: Sendable {
    private let client: RdKafkaClient
    private let logger: Logger
    private let closed = Mutex(false)
    private let poller: DeliveryReportPoller

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
            rd_kafka_conf_set_dr_msg_cb(rawConf, producerDeliveryReportCallback)
        }
        self.poller = DeliveryReportPoller(client: client)
        self.logger = logger
        // Polled from the start, so error reports do not pile up in librdkafka's queue before the first send.
        poller.start()
        logger.info("Kafka producer started", metadata: [KafkaLogKey.version: "\(librdkafkaVersion)"])
    }

    /// Sends one message and waits for the broker's acknowledgement (the delivery report). The message's timestamp
    /// is `timestampMillis` (epoch milliseconds) when given, else the time of sending.
    public func send(topic: String, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader], timestampMillis: Int64? = nil) async throws(KafkaError) {
        let handle = client.handle
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, KafkaError>, Never>) in
            // Checked and produced under the lock `shutdown` takes, so nothing is queued behind its flush.
            // rd_kafka_producev does not block (no RD_KAFKA_MSG_F_BLOCK): a full queue is an error at once.
            closed.withLock { closed in
                guard !closed else {
                    continuation.resume(returning: .failure(KafkaError.local("the Kafka producer is shut down")))
                    return
                }
                let opaque = Unmanaged.passRetained(DeliveryWaiter(continuation)).toOpaque()
                let code = Self.produce(handle: handle, topic: topic, key: key, value: value, headers: headers, timestamp: max(timestampMillis ?? 0, 0), opaque: opaque)
                if code != RD_KAFKA_RESP_ERR_NO_ERROR {
                    // librdkafka did not take the message: no delivery report will come, answer here.
                    let waiter = Unmanaged<DeliveryWaiter>.fromOpaque(opaque).takeRetainedValue()
                    waiter.finish(.failure(KafkaError(code, while: "producing to \(topic)")))
                }
            }
        }
        try result.get()
    }

    /// How many partitions `topic` has on the cluster, asking the brokers (up to `timeout`); nil when the topic does
    /// not exist or the brokers did not answer.
    public func partitionCount(of topic: String, timeout: Duration) -> Int? {
        let raw = client.handle.raw
        guard let topicHandle = rd_kafka_topic_new(raw, topic, nil) else { return nil }
        defer { rd_kafka_topic_destroy(topicHandle) }
        var metadata: UnsafePointer<rd_kafka_metadata_t>?
        let code = rd_kafka_metadata(raw, 0, topicHandle, &metadata, ConsumerCore.milliseconds(timeout))
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { return nil }
        defer { rd_kafka_metadata_destroy(metadata) }
        guard metadata.pointee.topic_cnt > 0, let topics = metadata.pointee.topics else { return nil }
        let entry = topics[0]
        guard entry.err == RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return Int(entry.partition_cnt)
    }

    /// Refuses further sends, flushes what is queued (bounded by `flushTimeout`) and fails what is left.
    /// Blocks the calling thread for up to `flushTimeout`; the librdkafka handle is freed when the producer is released.
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
        // The poller keeps running until the producer goes away, so every delivery report (including those of
        // purged messages) still reaches its waiting sender.
    }

    deinit {
        poller.stop()
    }

    /// Hands one message to librdkafka (payload copied) with its headers.
    private static func produce(
        handle: RdKafkaPointer,
        topic: String,
        key: [UInt8]?,
        value: [UInt8],
        headers: [KafkaHeader],
        timestamp: Int64,
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
                    timestamp,
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

/// dr_msg_cb: called from `rd_kafka_poll` (or `rd_kafka_flush`) once per message with the broker's verdict.
private func producerDeliveryReportCallback(
    _ handle: OpaquePointer?,
    _ message: UnsafePointer<rd_kafka_message_t>?,
    _ opaque: UnsafeMutableRawPointer?
) {
    guard let message, let waiterPointer = message.pointee._private else { return }
    let waiter = Unmanaged<DeliveryWaiter>.fromOpaque(waiterPointer).takeRetainedValue()
    let code = message.pointee.err
    if code == RD_KAFKA_RESP_ERR_NO_ERROR {
        waiter.finish(.success(()))
    } else {
        waiter.finish(.failure(KafkaError(code, while: "delivering to Kafka")))
    }
}
