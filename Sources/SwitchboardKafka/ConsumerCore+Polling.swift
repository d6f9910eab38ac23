internal import CRdKafka
import Logging

extension ConsumerCore {
    /// The body of the consumer's dedicated thread: subscribe, poll and hand out until asked to stop,
    /// then close (the close runs the final revoke: wait for outcomes, store, commit).
    func pollLoop(client: RdKafkaClient) -> Result<Void, KafkaError> {
        let handle = client.handle
        logger.info(
            "Kafka consumer starting",
            metadata: [
                KafkaLogKey.version: "\(librdkafkaVersion)",
                KafkaLogKey.topic: "\(configuration.topics.joined(separator: ","))",
            ]
        )
        if let error = subscribeFirst(handle: handle) {
            logger.error("Kafka subscription failed", metadata: [KafkaLogKey.error: "\(error)"])
            _ = handle.closeConsumer()
            state.withLock { $0.lifecycle = .finished }
            return .failure(error)
        }

        let timeout = configuration.effectivePollTimeoutMilliseconds
        let interval = configuration.commitInterval
        var nextCommit = ContinuousClock.now + interval
        while state.withLock({ $0.lifecycle == .running }) {
            if let message = rd_kafka_consumer_poll(handle.raw, timeout) {
                deliver(polled: message, on: handle)
                rd_kafka_message_destroy(message)
            }
            if ContinuousClock.now >= nextCommit {
                nextCommit = ContinuousClock.now + interval
                let points = state.withLock { $0.commitPoints(onlyChanged: true) }
                if let error = commit(points, handle: handle, async: true) {
                    logger.info("Kafka periodic commit not sent: the next one carries the same positions", metadata: [KafkaLogKey.error: "\(error)"])
                }
            }
        }

        drainBeforeClose(handle: handle, pollTimeout: timeout)
        logger.info("Kafka consumer stopping: revoking partitions and committing")
        if let error = handle.closeConsumer() {
            logger.warning("Kafka consumer close reported an error", metadata: [KafkaLogKey.error: "\(error)"])
        }
        state.withLock { $0.lifecycle = .finished }
        logger.info("Kafka consumer closed")
        if let failure = recordedFailure {
            return .failure(failure)
        }
        return .success(())
    }

    /// A graceful stop, while still a full member of the group: stop fetching, let the source take back what no
    /// attempt is under way for, keep polling (heartbeats, rebalances) while the attempts under way finish (up to
    /// `revokeTimeout`), then commit the watermarks synchronously. Only then does the close leave the group, so
    /// the next owner starts exactly after what this instance delivered.
    private func drainBeforeClose(handle: RdKafkaPointer, pollTimeout: Int32) {
        let tracked = state.withLock { Array($0.partitions.keys) }
        guard !tracked.isEmpty else { return }
        handle.pause(tracked)
        if let hook = revokeHook.withLock({ $0 }) {
            let taken = hook(tracked)
            _ = state.withLock { $0.abandon(taken) }
        }
        let deadline = ContinuousClock.now + revokeWait()
        while ContinuousClock.now < deadline {
            let left = state.withLock { state in state.pending(in: Array(state.partitions.keys)) }
            if left == 0 { break }
            // Messages still prefetched are not handed out any more (the consumer is stopping).
            if let message = rd_kafka_consumer_poll(handle.raw, min(pollTimeout, 50)) { rd_kafka_message_destroy(message) }
        }
        let (points, left) = state.withLock { state in (state.commitPoints(onlyChanged: false), state.pending(in: Array(state.partitions.keys))) }
        if let error = commit(points, handle: handle, async: false) {
            logger.warning("Kafka commit before leaving the group failed: the next owner re-reads from the last committed offset", metadata: [
                KafkaLogKey.error: "\(error)",
            ])
        } else {
            logger.info("Kafka watermarks committed before leaving the group", metadata: [KafkaLogKey.pending: "\(left)"])
        }
    }

    /// Hands one polled message to the handler, or deals with the error it carries.
    private func deliver(polled message: UnsafeMutablePointer<rd_kafka_message_t>, on handle: RdKafkaPointer) {
        let code = message.pointee.err
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            reportPollError(message, code: code)
            return
        }
        let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
        let topicPartition = KafkaTopicPartition(topic: topic, partition: message.pointee.partition)
        let offset = message.pointee.offset
        let (decision, generation) = state.withLock { state -> (ConsumerState.HandOut, UInt64) in
            let decision = state.handOut(topicPartition, offset: offset)
            if decision == .deliverAndPause {
                // Paused before anything else is polled: librdkafka drops what it prefetched for this
                // partition and refetches from here on resume, so the bound is exact and nothing is lost.
                handle.pause([topicPartition])
            }
            return (decision, state.generation(of: topicPartition) ?? 0)
        }
        if decision == .skip || decision == .alreadyDelivered { return }
        if decision == .deliverAndPause {
            logger.debug(
                "Kafka partition paused: too many messages without outcome",
                metadata: [
                    KafkaLogKey.topic: "\(topic)",
                    KafkaLogKey.partition: "\(topicPartition.partition)",
                    KafkaLogKey.pending: "\(configuration.effectiveMaxPending)",
                ]
            )
        }
        var record = Self.makeMessage(message, topic: topic)
        record.assignment = generation
        handler(record)
    }

    /// Logs the error a poll returned; a fatal one stops the consumer.
    private func reportPollError(_ message: UnsafeMutablePointer<rd_kafka_message_t>, code: rd_kafka_resp_err_t) {
        if code == RD_KAFKA_RESP_ERR__PARTITION_EOF { return }
        let text = rd_kafka_message_errstr(message).map { String(cString: $0) } ?? ""
        var metadata: Logger.Metadata = [KafkaLogKey.error: "\(text)", KafkaLogKey.errorCode: "\(code.rawValue)"]
        if let topic = message.pointee.rkt {
            metadata[KafkaLogKey.topic] = "\(String(cString: rd_kafka_topic_name(topic)))"
            metadata[KafkaLogKey.partition] = "\(message.pointee.partition)"
        }
        if code == RD_KAFKA_RESP_ERR__FATAL {
            logger.critical("Kafka consumer hit a fatal error", metadata: metadata)
            recordFailure(KafkaError(code, while: "consuming"))
            return
        }
        logger.warning("Kafka consumer error", metadata: metadata)
    }

    /// Copies a librdkafka message into a Swift value.
    static func makeMessage(_ message: UnsafeMutablePointer<rd_kafka_message_t>, topic: String) -> KafkaMessage {
        let raw = message.pointee
        let value: [UInt8] = raw.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: raw.len)) } ?? []
        let key: [UInt8]? = raw.key.map { Array(UnsafeRawBufferPointer(start: $0, count: raw.key_len)) }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &timestampType)
        return KafkaMessage(
            topic: topic,
            partition: raw.partition,
            offset: raw.offset,
            key: key,
            value: value,
            headers: headers(of: message),
            timestampMillis: timestamp >= 0 && timestampType != RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? timestamp : nil
        )
    }

    /// The message's headers in order; empty when it has none.
    private static func headers(of message: UnsafeMutablePointer<rd_kafka_message_t>) -> [KafkaHeader] {
        var list: OpaquePointer?
        guard rd_kafka_message_headers(message, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return [] }
        var result: [KafkaHeader] = []
        var index = 0
        while true {
            var name: UnsafePointer<CChar>?
            var value: UnsafeRawPointer?
            var size = 0
            guard rd_kafka_header_get_all(list, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR else { break }
            let bytes: [UInt8] = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
            result.append(KafkaHeader(name: name.map { String(cString: $0) } ?? "", value: bytes))
            index += 1
        }
        return result
    }
}
