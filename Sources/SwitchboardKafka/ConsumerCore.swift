import Foundation
import Logging
import Synchronization

/// The shared heart of a `KafkaConsumer`: configuration, handler and the mutex-guarded state that the poll
/// thread, the rebalance callback and `markDone` callers all touch.
///
/// librdkafka calls that only flip flags or enqueue work (offset store, pause, resume) are made while holding
/// the state mutex, so a watermark store can never overtake a later one and a pause never races a resume.
/// Calls that wait on librdkafka (assign, commit, close) are made outside it.
final class ConsumerCore: Sendable {
    let configuration: KafkaConsumerConfiguration
    let logger: Logger
    let handler: @Sendable (KafkaMessage) -> Void
    let state: Mutex<ConsumerState>
    /// Wakes a revocation waiting for outcomes; only a signal, the facts live in `state`.
    let drainSignal = NSCondition()
    private let failure = Mutex<KafkaError?>(nil)
    /// Asked at the start of a revocation which handed-out messages of the revoked partitions the source took
    /// back (no attempt under way); the revocation then waits only for the rest.
    let revokeHook = Mutex<(@Sendable ([KafkaTopicPartition]) -> [(KafkaTopicPartition, Int64)])?>(nil)
    /// Asked at assignment which offsets above a partition's committed offset were delivered by this host (its
    /// local journal), for the cluster and committed offset given.
    let deliveredLookup = Mutex<(@Sendable (KafkaTopicPartition, String, Int64) -> [Int64])?>(nil)
    /// Told the positions a commit made durable (to forget local records below them).
    let commitHook = Mutex<(@Sendable ([(KafkaTopicPartition, Int64)]) -> Void)?>(nil)
    /// The cluster id, once read from the brokers' metadata.
    let clusterID = Mutex<String?>(nil)
    /// When a graceful stop must be done by (what is left of the process's shutdown timeout), if one is under way.
    let stopDeadline = Mutex<ContinuousClock.Instant?>(nil)

    init(configuration: KafkaConsumerConfiguration, logger: Logger, handler: @escaping @Sendable (KafkaMessage) -> Void) {
        self.configuration = configuration
        self.logger = logger
        self.handler = handler
        self.state = Mutex(ConsumerState(maxPending: configuration.effectiveMaxPending, maxUncommitted: Int64(max(configuration.maxUncommittedPerPartition, 1))))
    }

    /// Remembers a fatal error and makes the poll loop stop; `run()` then throws it.
    func recordFailure(_ error: KafkaError) {
        failure.withLock { current in
            if current == nil { current = error }
        }
        state.withLock { state in
            if state.lifecycle == .running { state.lifecycle = .stopping }
        }
    }

    /// The fatal error that stopped the consumer, if any.
    var recordedFailure: KafkaError? {
        failure.withLock { $0 }
    }

    /// Moves idle → running; false when the consumer already ran or was shut down before running.
    func begin() -> ConsumerState.Lifecycle {
        state.withLock { state in
            let previous = state.lifecycle
            if previous == .idle { state.lifecycle = .running }
            return previous
        }
    }

    /// Asks the poll loop to stop and wakes it. Safe from any thread, any number of times.
    func requestStop(client: RdKafkaClient) {
        let wasRunning = state.withLock { state -> Bool in
            switch state.lifecycle {
            case .idle:
                state.lifecycle = .finished
                return false
            case .running:
                state.lifecycle = .stopping
                return true
            case .stopping, .finished:
                return false
            }
        }
        if wasRunning {
            client.wakeConsumer()
        }
    }

    /// Changes the subscription while the consumer runs (a configuration reload changed the routed topics).
    func resubscribe(_ topics: [String], handle: RdKafkaPointer) {
        // Under the lock, so it can never be overtaken by the poll loop's first subscription to older topics.
        let error = state.withLock { state -> KafkaError? in
            state.wantedTopics = topics
            guard state.subscribed, state.lifecycle == .running else { return nil }
            return Self.subscribe(topics, handle: handle)
        }
        if let error {
            logger.error("Kafka subscription not changed", metadata: [KafkaLogKey.error: "\(error)"])
        }
    }

    /// The first subscription, to the topics wanted now.
    func subscribeFirst(handle: RdKafkaPointer) -> KafkaError? {
        state.withLock { state in
            state.subscribed = true
            return Self.subscribe(state.wantedTopics ?? configuration.topics, handle: handle)
        }
    }

    private static func subscribe(_ topics: [String], handle: RdKafkaPointer) -> KafkaError? {
        topics.isEmpty ? handle.unsubscribe() : handle.subscribe(topics)
    }

    /// Holds or releases topics (see `ConsumerState.hold`), telling librdkafka under the same lock.
    func hold(_ topics: Set<String>, _ holding: Bool, handle: RdKafkaPointer) {
        state.withLock { state in
            let changed = state.hold(topics, holding)
            guard !changed.isEmpty else { return }
            if holding { handle.pause(changed) } else { handle.resume(changed) }
        }
    }

    /// Records an outcome: advances and stores the watermark, resumes a drained partition, wakes a revocation.
    func markDone(_ topicPartition: KafkaTopicPartition, offset: Int64, generation: UInt64? = nil, handle: RdKafkaPointer) {
        let drained = state.withLock { state -> Bool in
            guard let outcome = state.done(topicPartition, offset: offset, generation: generation) else { return false }
            if outcome.resume {
                handle.resume([topicPartition])
            }
            return outcome.drained
        }
        if drained {
            drainSignal.lock()
            drainSignal.broadcast()
            drainSignal.unlock()
        }
    }

    /// Commits the positions of every partition with outcomes since the last commit (or of all, `onlyChanged`
    /// false), each with its delivered offsets as metadata. Synchronous commits report success to the commit hook
    /// at once; a queued one reports through the offset-commit callback. Runs on the poll thread.
    @discardableResult
    func commit(_ points: [ConsumerState.CommitPoint], handle: RdKafkaPointer, async: Bool) -> KafkaError? {
        guard !points.isEmpty else { return nil }
        let cluster = clusterID.withLock { $0 } ?? ""
        let limit = configuration.commitMetadataMaxBytes
        let entries = points.map { point in
            (point.topicPartition, point.offset,
             CommitMetadata(clusterID: cluster, base: point.offset, delivered: point.delivered).encoded(maxBytes: limit))
        }
        if let error = handle.commit(entries, async: async) { return error }
        if !async { committed(points.map { ($0.topicPartition, $0.offset) }) }
        return nil
    }

    /// A commit reached the group coordinator.
    func committed(_ positions: [(KafkaTopicPartition, Int64)]) {
        guard !positions.isEmpty else { return }
        state.withLock { $0.commitAcknowledged(positions) }
        guard let hook = commitHook.withLock({ $0 }) else { return }
        hook(positions)
    }

    /// Where each assigned partition starts: its committed offset and, when the commit metadata was written for
    /// this cluster and that offset, the offsets past it already delivered, joined with those this host recorded.
    /// Anything that does not match is ignored (those events are posted again, never skipped wrongly).
    func starts(of partitions: [KafkaTopicPartition], handle: RdKafkaPointer) -> [KafkaTopicPartition: ConsumerState.Start] {
        guard !partitions.isEmpty else { return [:] }
        let timeout = Self.milliseconds(min(configuration.revokeTimeout, .seconds(10)))
        var cluster = clusterID.withLock { $0 }
        // The id comes with the metadata the join already fetched: a short wait is enough (the callback blocks
        // the consumer's thread).
        if cluster == nil, let read = handle.clusterID(timeoutMilliseconds: min(timeout, 2_000)) {
            cluster = read
            clusterID.withLock { $0 = read }
        }
        let committed: [KafkaTopicPartition: (offset: Int64, metadata: String?)]
        switch handle.committedWithMetadata(partitions, timeoutMilliseconds: timeout) {
        case .success(let read):
            committed = read
        case .failure(let error):
            logger.warning("Kafka committed offsets unreadable at assignment: events past them may be posted again", metadata: [
                KafkaLogKey.error: "\(error)",
            ])
            return [:]
        }
        let lookup = deliveredLookup.withLock { $0 }
        var starts: [KafkaTopicPartition: ConsumerState.Start] = [:]
        var inheritedCount: Int64 = 0
        var ignored: [String] = []
        for partition in partitions {
            let offset = committed[partition]?.offset
            guard let cluster else {
                starts[partition] = ConsumerState.Start(committed: offset)
                continue
            }
            // Without a committed offset, records made before the first commit extend "nothing committed" (-1).
            let base = offset ?? Self.nothingCommitted
            var delivered: [ClosedRange<Int64>] = []
            if let offset, let text = committed[partition]?.metadata {
                if let metadata = CommitMetadata(decoding: text), metadata.clusterID == cluster, metadata.base == offset {
                    delivered = metadata.delivered
                } else {
                    ignored.append(partition.description)
                }
            }
            // Records this host made against this committed offset or an earlier one of this cluster, at or above it.
            if let lookup { delivered += lookup(partition, cluster, base).map { $0...$0 } }
            let inherited = CommitMetadata(clusterID: cluster, base: base, delivered: delivered)
            inheritedCount += inherited.count
            starts[partition] = ConsumerState.Start(committed: offset, inherited: inherited.delivered.isEmpty ? nil : inherited)
        }
        if !ignored.isEmpty {
            logger.notice("Kafka commit metadata ignored (another cluster, offset or format): events past the committed offset are posted again", metadata: [
                KafkaLogKey.partitions: "\(ignored.joined(separator: ","))",
            ])
        }
        if inheritedCount > 0 {
            logger.info("Kafka offsets past the committed offset already delivered: skipped when read", metadata: [
                KafkaLogKey.pending: "\(inheritedCount)",
            ])
        }
        return starts
    }

    /// The commit base of a partition the group never committed.
    static let nothingCommitted: Int64 = -1

    /// How long a revocation may wait for outcomes from now: `revokeTimeout`, or less when a stop must be done sooner.
    func revokeWait() -> Duration {
        guard let stop = stopDeadline.withLock({ $0 }) else { return configuration.revokeTimeout }
        return max(.zero, min(configuration.revokeTimeout, stop - ContinuousClock.now))
    }

    /// Waits until `partitions` have no message without outcome, or until `deadline`. Returns what is left.
    func waitForOutcomes(of partitions: [KafkaTopicPartition], until deadline: Date) -> Int {
        drainSignal.lock()
        defer { drainSignal.unlock() }
        while true {
            let left = state.withLock { $0.pending(in: partitions) }
            if left == 0 { return 0 }
            if !drainSignal.wait(until: deadline) {
                return state.withLock { $0.pending(in: partitions) }
            }
        }
    }

    /// Per-partition snapshots with lag from librdkafka's cached high watermarks.
    func partitionStates(handle: RdKafkaPointer) -> [KafkaPartitionState] {
        let (snapshot, bases) = state.withLock { state in
            let snapshot = state.snapshot()
            let bases = snapshot.map {
                state.lagBase(of: KafkaTopicPartition(topic: $0.topic, partition: $0.partition))
            }
            return (snapshot, bases)
        }
        return zip(snapshot, bases).map { item, base in
            var item = item
            let partition = KafkaTopicPartition(topic: item.topic, partition: item.partition)
            if let base, let high = handle.cachedHighWatermark(partition) {
                item.lag = max(0, high - base)
            }
            return item
        }
    }
}
