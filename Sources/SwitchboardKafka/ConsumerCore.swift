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
            if let position = outcome.store {
                handle.storeOffsets([(topicPartition, position)])
            }
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
