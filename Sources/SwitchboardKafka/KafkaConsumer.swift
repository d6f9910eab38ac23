internal import CRdKafka
import Foundation
import Logging

/// Consumes with a contiguous-watermark commit policy. Messages are delivered to `handler` on the consumer's own thread,
/// in partition order; the handler must not block (it queues work and returns).
///
/// Every handed-out message must eventually get `markDone` (delivered or dead-lettered). Per partition the
/// committed offset is the lowest offset without an outcome, so a restart or a rebalance re-reads whatever was
/// in flight and nothing slips through. A partition with `maxPendingPerPartition` messages in flight pauses
/// and resumes once drained below half.
///
/// ```swift
/// let consumer = try KafkaConsumer(
///     configuration: KafkaConsumerConfiguration(brokers: ["localhost:9092"], groupID: "switchboard", topics: ["crm.bookings"]),
///     logger: logger
/// ) { message in
///     lanes.enqueue(message)   // later: consumer.markDone(topic:partition:offset:)
/// }
/// try await consumer.run()    // returns after shutdown() once offsets are committed and the group is left
/// ```
public final class KafkaConsumer: Sendable {
    private let core: ConsumerCore
    private let client: RdKafkaClient

    /// Creates the librdkafka consumer; a rejected option throws a `KafkaError` naming the key. Nothing is
    /// consumed before `run()`.
    public init(
        configuration: KafkaConsumerConfiguration,
        logger: Logger,
        handler: @escaping @Sendable (KafkaMessage) -> Void
    ) throws(KafkaError) {
        guard !configuration.topics.isEmpty else {
            throw KafkaError.local("a Kafka consumer needs at least one topic")
        }
        guard !configuration.groupID.isEmpty else {
            throw KafkaError.local("a Kafka consumer needs a group id")
        }
        var logger = logger
        logger[metadataKey: KafkaLogKey.group] = "\(configuration.groupID)"
        for key in configuration.overriddenOptionKeys {
            logger.warning(
                "Kafka option ignored: the watermark commit policy sets it",
                metadata: [KafkaLogKey.option: "\(key)"]
            )
        }
        let core = ConsumerCore(configuration: configuration, logger: logger, handler: handler)
        let conf = try RdKafkaConf(
            settings: configuration.librdkafkaSettings(logLevel: ClientContext.syslogLevel(for: logger.logLevel))
        )
        self.client = try RdKafkaClient(
            kind: .consumer,
            conf: conf,
            context: ClientContext(logger: logger, role: "consumer", consumer: core)
        ) { rawConf in
            rd_kafka_conf_set_rebalance_cb(rawConf, consumerRebalanceCallback)
            rd_kafka_conf_set_offset_commit_cb(rawConf, consumerCommitCallback)
        }
        self.core = core
    }

    /// Runs the poll thread until `shutdown()`; returns after the final commit and close. (Plain async func, the lead wraps it in a Service.)
    /// Cancelling the calling task shuts the consumer down the same way.
    public func run() async throws(KafkaError) {
        let core = self.core
        let client = self.client
        switch core.begin() {
        case .idle:
            break
        case .running, .stopping:
            throw KafkaError.local("the Kafka consumer is already running")
        case .finished:
            return
        }
        let result: Result<Void, KafkaError> = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, KafkaError>, Never>) in
                let thread = Thread {
                    continuation.resume(returning: core.pollLoop(client: client))
                }
                thread.name = "kafka-consumer"
                thread.start()
            }
        } onCancel: {
            core.requestStop(client: client)
        }
        try result.get()
    }

    /// Records that a message has its outcome; advances (and stores) the partition's watermark when contiguous; resumes a paused partition.
    /// Outcomes for partitions no longer assigned here (revoked, or after shutdown) are ignored.
    public func markDone(topic: String, partition: Int32, offset: Int64) {
        core.markDone(KafkaTopicPartition(topic: topic, partition: partition), offset: offset, handle: client.handle)
    }

    /// Subscribes to `topics` instead (the group rebalances: partitions of topics left out are revoked with their
    /// final commit, new topics' partitions are assigned); an empty list leaves every topic. Errors are logged.
    public func subscribe(to topics: [String]) {
        core.resubscribe(topics, handle: client.handle)
    }

    /// Holds `topics` (their partitions pause whatever their backlog, e.g. while their integration's key is refused)
    /// or releases them (partitions drained enough resume). Nothing handed out is lost either way.
    public func hold(topics: Set<String>, _ holding: Bool) {
        core.hold(topics, holding, handle: client.handle)
    }

    /// Sets what a revocation asks first (on the consumer's thread): which handed-out messages of the revoked
    /// partitions the caller took back because no attempt was under way for them. The revocation waits (up to
    /// `revokeTimeout`) only for the others, commits, and lets the next owner read the taken-back ones again.
    public func onRevoke(_ hook: @escaping @Sendable (_ revoked: [KafkaTopicPartition]) -> [(KafkaTopicPartition, Int64)]) {
        core.revokeHook.withLock { $0 = hook }
    }

    /// Sets what an assignment asks for each partition, on the consumer's thread: which offsets above its committed
    /// offset this host recorded as delivered for that cluster id and committed offset (its local journal). They
    /// are skipped when read, with those carried in the commit metadata.
    public func onAssign(deliveredLocally lookup: @escaping @Sendable (_ partition: KafkaTopicPartition, _ clusterID: String, _ committed: Int64) -> [Int64]) {
        core.deliveredLookup.withLock { $0 = lookup }
    }

    /// Sets what is told the positions each commit made durable (to forget local records below them).
    public func onCommit(_ hook: @escaping @Sendable (_ positions: [(KafkaTopicPartition, Int64)]) -> Void) {
        core.commitHook.withLock { $0 = hook }
    }

    /// What a delivery of `message` recorded locally must carry to be trusted after a restart: the cluster id and
    /// its partition's committed offset as last acknowledged (-1 before the group's first commit of it). Nil when
    /// the partition is no longer held here or the cluster id is not known.
    public func deliveryRecordBase(of message: KafkaMessage) -> (clusterID: String, committed: Int64)? {
        guard let cluster = core.clusterID.withLock({ $0 }) else { return nil }
        let partition = KafkaTopicPartition(topic: message.topic, partition: message.partition)
        guard let base = core.state.withLock({ $0.commitBase(of: partition, generation: message.assignment) }) else { return nil }
        return (cluster, base ?? ConsumerCore.nothingCommitted)
    }

    /// Whether `message` belongs to a partition this consumer still holds in the assignment that handed it out
    /// (true during a revocation's wait, false once revoked): only then may its outcome write anything.
    public func owns(_ message: KafkaMessage) -> Bool {
        core.state.withLock { $0.owns(KafkaTopicPartition(topic: message.topic, partition: message.partition), generation: message.assignment) }
    }

    /// Records the outcome of `message`.
    /// An outcome from an assignment since revoked is ignored, so it can never release an offset that a later
    /// assignment of the same partition handed out again and is still working on.
    public func markDone(_ message: KafkaMessage) {
        core.markDone(
            KafkaTopicPartition(topic: message.topic, partition: message.partition), offset: message.offset,
            generation: message.assignment == 0 ? nil : message.assignment, handle: client.handle
        )
    }

    /// Stops polling, waits (bounded by revokeTimeout, and by `within` when given: what is left of the process's
    /// shutdown timeout) for outcomes of handed-out messages, commits watermarks, closes. Idempotent.
    /// Returns at once; `run()` returns when all of that is done.
    public func shutdown(within: Duration? = nil) {
        if let within {
            core.stopDeadline.withLock { current in
                let deadline = ContinuousClock.now + within
                current = min(current ?? deadline, deadline)
            }
        }
        core.requestStop(client: client)
    }

    /// Per partition: committed/stored watermark, highest offset seen, pending count, paused flag, high watermark (for lag) — for metrics.
    public func partitionStates() -> [KafkaPartitionState] {
        core.partitionStates(handle: client.handle)
    }

    /// How many rebalance callbacks (assignments and revocations with partitions) this consumer has served.
    public var rebalanceCount: Int {
        core.state.withLock { $0.rebalanceCount }
    }

    /// The group's committed offsets (next offset to read) for the partitions assigned here, read from the
    /// broker. Runs on a thread of its own; for status pages and tests.
    public func committedOffsets(timeout: Duration = .seconds(10)) async throws(KafkaError) -> [KafkaTopicPartition: Int64] {
        let partitions = core.state.withLock { Array($0.partitions.keys) }
        let client = self.client
        let milliseconds = ConsumerCore.milliseconds(timeout)
        return try await BlockingThread.run(name: "kafka-committed") {
            client.handle.committed(partitions, timeoutMilliseconds: milliseconds)
        }.get()
    }

    /// How far the group's commits reach per partition: the committed offset and how many offsets above it the
    /// commit metadata lists as delivered (0 when it carries none). Read like `committedOffsets(configuration:…)`.
    public static func committedProgress(
        configuration: KafkaConsumerConfiguration,
        partitions: [KafkaTopicPartition],
        logger: Logger,
        timeout: Duration = .seconds(10)
    ) async throws(KafkaError) -> [KafkaTopicPartition: (committed: Int64, deliveredAbove: Int64)] {
        let settings = configuration.librdkafkaSettings(logLevel: ClientContext.syslogLevel(for: logger.logLevel))
        let milliseconds = ConsumerCore.milliseconds(timeout)
        return try await BlockingThread.run(name: "kafka-committed") { () -> Result<[KafkaTopicPartition: (committed: Int64, deliveredAbove: Int64)], KafkaError> in
            do throws(KafkaError) {
                let client = try RdKafkaClient(kind: .consumer, conf: try RdKafkaConf(settings: settings), context: ClientContext(logger: logger, role: "offsets"))
                return client.handle.committedWithMetadata(partitions, timeoutMilliseconds: milliseconds).map { read in
                    read.mapValues { entry in
                        let metadata = entry.metadata.flatMap(CommitMetadata.init(decoding:))
                        return (entry.offset, metadata?.base == entry.offset ? (metadata?.count ?? 0) : 0)
                    }
                }
            } catch {
                return .failure(error)
            }
        }.get()
    }

    /// The committed offsets of `configuration.groupID` for `partitions`, read with a short-lived client that
    /// does not join the group (so it does not trigger a rebalance).
    public static func committedOffsets(
        configuration: KafkaConsumerConfiguration,
        partitions: [KafkaTopicPartition],
        logger: Logger,
        timeout: Duration = .seconds(10)
    ) async throws(KafkaError) -> [KafkaTopicPartition: Int64] {
        let settings = configuration.librdkafkaSettings(logLevel: ClientContext.syslogLevel(for: logger.logLevel))
        let milliseconds = ConsumerCore.milliseconds(timeout)
        return try await BlockingThread.run(name: "kafka-committed") { () -> Result<[KafkaTopicPartition: Int64], KafkaError> in
            do throws(KafkaError) {
                let conf = try RdKafkaConf(settings: settings)
                let client = try RdKafkaClient(
                    kind: .consumer,
                    conf: conf,
                    context: ClientContext(logger: logger, role: "offsets")
                )
                return client.handle.committed(partitions, timeoutMilliseconds: milliseconds)
            } catch {
                return .failure(error)
            }
        }.get()
    }
}
