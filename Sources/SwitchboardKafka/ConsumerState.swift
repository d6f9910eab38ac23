/// The consumer's shared bookkeeping, guarded by one mutex: assigned partitions with their watermarks and
/// pause flags, the lifecycle, and counters. Methods only change values and say what librdkafka must be told,
/// so the policy is testable without a broker.
struct ConsumerState: Sendable {
    /// Where the consumer is in its life.
    enum Lifecycle: Sendable, Equatable {
        case idle
        case running
        case stopping
        case finished
    }

    /// One assigned partition.
    struct Partition: Sendable {
        var generation: UInt64 = 0
        var watermark = PartitionWatermark()
        var paused = false
        var revoking = false
        /// Offsets handed out whose events the source took back during a revocation: not waited for.
        var abandoned: Set<Int64> = []
        /// Offsets above the committed offset that an earlier owner already delivered (read from the commit
        /// metadata and the local journal at assignment): skipped when fetched.
        var inherited: CommitMetadata?
        /// The partition's committed offset as last acknowledged by the group coordinator (or read at assignment):
        /// what delivered offsets recorded locally extend.
        var commitBase: Int64?
        /// An outcome arrived since the last commit was sent.
        var changedSinceCommit = false
    }

    /// What one partition's commit carries: the next offset to read and the offsets above it already delivered.
    struct CommitPoint: Sendable, Equatable {
        var topicPartition: KafkaTopicPartition
        var offset: Int64
        var delivered: [ClosedRange<Int64>]
    }

    /// What the poll thread does with a freshly polled message.
    enum HandOut: Sendable, Equatable {
        /// Give it to the handler.
        case deliver
        /// Give it to the handler and pause the partition first: it just reached its bound.
        case deliverAndPause
        /// An earlier owner delivered it (commit metadata or local journal): counted as done, not handed out.
        case alreadyDelivered
        /// Do not hand it out (partition not ours, being revoked, or the consumer is stopping).
        case skip
    }

    /// What recording an outcome requires.
    struct Outcome: Sendable, Equatable {
        /// Store this commit position for the partition.
        var store: Int64?
        /// Resume fetching: the partition drained below half its bound.
        var resume = false
        /// A partition under revocation has no pending message left: wake the waiting revocation.
        var drained = false
    }

    let maxPending: Int
    /// Per partition, how far past the commit position messages may be handed out before the partition pauses.
    let maxUncommitted: Int64
    var lifecycle: Lifecycle = .idle
    /// The topics wanted, once a reload changed them (nil: the configuration's); applied by whoever subscribes.
    var wantedTopics: [String]?
    /// Whether the poll loop has made its first subscription (later changes are made at once).
    var subscribed = false
    private(set) var partitions: [KafkaTopicPartition: Partition] = [:]
    private(set) var rebalanceCount = 0
    private var lastGeneration: UInt64 = 0
    /// Topics whose partitions stay paused whatever their backlog (their integration cannot deliver now).
    private(set) var heldTopics: Set<String> = []

    init(maxPending: Int, maxUncommitted: Int64 = 10_000) {
        self.maxPending = max(maxPending, 1)
        self.maxUncommitted = max(maxUncommitted, 1)
    }

    /// Whether a partition is within both bounds with room to spare (half of each): it may fetch again.
    private static func hasRoom(_ partition: Partition, maxPending: Int, maxUncommitted: Int64) -> Bool {
        partition.watermark.pending * 2 < maxPending && partition.watermark.uncommittedSpan * 2 < maxUncommitted
    }

    /// Whether a partition reached a bound: too many messages without an outcome, or too far past its commit.
    private static func isFull(_ partition: Partition, maxPending: Int, maxUncommitted: Int64) -> Bool {
        partition.watermark.pending >= maxPending || partition.watermark.uncommittedSpan >= maxUncommitted
    }

    /// Runs `body` on a tracked partition in place: its watermark is never copied (a copy of its deque on every
    /// message made each hand-out and outcome cost as much as the messages in flight). Nil when not tracked.
    private mutating func update<Result>(_ topicPartition: KafkaTopicPartition, _ body: (inout Partition) -> Result) -> Result? {
        guard partitions[topicPartition] != nil else { return nil }
        return body(&partitions[topicPartition]!)
    }

    /// Decides whether a polled message is handed out, and records it when it is.
    mutating func handOut(_ topicPartition: KafkaTopicPartition, offset: Int64) -> HandOut {
        guard lifecycle == .running else { return .skip }
        let held = heldTopics.contains(topicPartition.topic)
        let (maxPending, maxUncommitted) = (self.maxPending, self.maxUncommitted)
        return update(topicPartition) { partition -> HandOut in
            guard !partition.revoking else { return .skip }
            partition.watermark.handedOut(offset)
            if partition.inherited?.contains(offset) == true {
                partition.watermark.done(offset)
                partition.changedSinceCommit = true
                return .alreadyDelivered
            }
            if !partition.paused, held || Self.isFull(partition, maxPending: maxPending, maxUncommitted: maxUncommitted) {
                partition.paused = true
                return .deliverAndPause
            }
            return .deliver
        } ?? .skip
    }

    /// The assignment generation of a partition held now.
    func generation(of topicPartition: KafkaTopicPartition) -> UInt64? {
        partitions[topicPartition]?.generation
    }

    /// Records an outcome; nil when the partition is no longer ours (revoked), the outcome belongs to an earlier
    /// assignment of it (`generation`), or the offset is unknown.
    mutating func done(_ topicPartition: KafkaTopicPartition, offset: Int64, generation: UInt64? = nil) -> Outcome? {
        let running = lifecycle == .running
        let held = heldTopics.contains(topicPartition.topic)
        let (maxPending, maxUncommitted) = (self.maxPending, self.maxUncommitted)
        return update(topicPartition) { partition -> Outcome? in
            if let generation, generation != partition.generation { return nil }
            let pendingBefore = partition.watermark.pending
            let newPosition = partition.watermark.done(offset)
            partition.abandoned.remove(offset)
            guard partition.watermark.pending != pendingBefore else { return nil }
            partition.changedSinceCommit = true
            var outcome = Outcome(store: newPosition)
            if partition.revoking || !running {
                // Offsets the source took back are not waited for.
                outcome.drained = partition.watermark.pending - partition.abandoned.count <= 0
            } else if partition.paused, !held, Self.hasRoom(partition, maxPending: maxPending, maxUncommitted: maxUncommitted) {
                partition.paused = false
                outcome.resume = true
            }
            return outcome
        } ?? nil
    }

    /// Holds (or releases) topics: held, their partitions pause now; released, those drained enough resume.
    /// Returns the partitions librdkafka must pause (holding) or resume (releasing).
    mutating func hold(_ topics: Set<String>, _ holding: Bool) -> [KafkaTopicPartition] {
        if holding { heldTopics.formUnion(topics) } else { heldTopics.subtract(topics) }
        var changed: [KafkaTopicPartition] = []
        for (topicPartition, var partition) in partitions where topics.contains(topicPartition.topic) && !partition.revoking {
            if holding, !partition.paused {
                partition.paused = true
                changed.append(topicPartition)
            } else if !holding, partition.paused, lifecycle == .running, Self.hasRoom(partition, maxPending: maxPending, maxUncommitted: maxUncommitted) {
                partition.paused = false
                changed.append(topicPartition)
            }
            partitions[topicPartition] = partition
        }
        return changed
    }

    /// Where an assigned partition starts: the group's committed offset and what was delivered past it.
    struct Start: Sendable {
        var committed: Int64?
        var inherited: CommitMetadata?
    }

    /// Starts tracking newly assigned partitions with fresh watermarks at their committed offsets (and the offsets
    /// already delivered past them); those of held topics start paused.
    /// Returns the partitions librdkafka must fetch (the rest it must keep paused).
    @discardableResult
    mutating func assign(_ assigned: [KafkaTopicPartition], starts: [KafkaTopicPartition: Start] = [:]) -> (fetch: [KafkaTopicPartition], paused: [KafkaTopicPartition]) {
        if !assigned.isEmpty { rebalanceCount += 1 }
        var fetch: [KafkaTopicPartition] = []
        var paused: [KafkaTopicPartition] = []
        for topicPartition in assigned {
            lastGeneration += 1
            let held = heldTopics.contains(topicPartition.topic)
            let start = starts[topicPartition]
            partitions[topicPartition] = Partition(
                generation: lastGeneration, watermark: PartitionWatermark(startOffset: start?.committed), paused: held,
                inherited: start?.inherited, commitBase: start?.committed
            )
            if held { paused.append(topicPartition) } else { fetch.append(topicPartition) }
        }
        return (fetch, paused)
    }

    /// Marks partitions as being revoked: nothing more of theirs is handed out, outcomes still count.
    mutating func beginRevoke(_ revoked: [KafkaTopicPartition]) {
        if !revoked.isEmpty { rebalanceCount += 1 }
        for topicPartition in revoked {
            partitions[topicPartition]?.revoking = true
        }
    }

    /// Messages of `revoked` still waiting for an outcome.
    func pending(in revoked: [KafkaTopicPartition]) -> Int {
        revoked.reduce(0) { total, topicPartition in
            guard let partition = partitions[topicPartition] else { return total }
            return total + max(0, partition.watermark.pending - partition.abandoned.count)
        }
    }

    /// Offsets of partitions being revoked (or of a stopping consumer) whose events the source took back (no attempt
    /// was under way): the revocation stops waiting for them, and the next owner reads them again. True when
    /// nothing else is left to wait for.
    mutating func abandon(_ offsets: [(KafkaTopicPartition, Int64)]) -> Bool {
        for (topicPartition, offset) in offsets where partitions[topicPartition] != nil {
            partitions[topicPartition]!.abandoned.insert(offset)
        }
        return pending(in: offsets.map(\.0)) == 0
    }

    /// Whether `generation` is the current assignment of a partition still held (a revocation in progress still
    /// holds it: outcomes arriving within its wait count and are committed).
    func owns(_ topicPartition: KafkaTopicPartition, generation: UInt64) -> Bool {
        guard let partition = partitions[topicPartition] else { return false }
        return generation == 0 || partition.generation == generation
    }

    /// Forgets revoked partitions and returns their final commits (only those with a known position).
    mutating func finishRevoke(_ revoked: [KafkaTopicPartition]) -> [CommitPoint] {
        let points = commitPoints(of: revoked, onlyChanged: false)
        for topicPartition in revoked { partitions.removeValue(forKey: topicPartition) }
        return points
    }

    /// What to commit now for every tracked partition (or only those with outcomes since the last commit).
    mutating func commitPoints(onlyChanged: Bool) -> [CommitPoint] {
        commitPoints(of: Array(partitions.keys), onlyChanged: onlyChanged)
    }

    private mutating func commitPoints(of selected: [KafkaTopicPartition], onlyChanged: Bool) -> [CommitPoint] {
        var points: [CommitPoint] = []
        for topicPartition in selected {
            guard var partition = partitions[topicPartition], !onlyChanged || partition.changedSinceCommit else { continue }
            // The lowest offset without outcome is the next to read; with none, the position past the last release.
            guard let offset = partition.watermark.lowestPending ?? partition.watermark.position else { continue }
            var delivered = partition.watermark.doneAbovePosition
            if let inherited = partition.inherited {
                // What the earlier owner delivered beyond what was fetched here so far still counts.
                let fetchedUpTo = partition.watermark.highestHandedOut ?? offset - 1
                for range in inherited.delivered where range.upperBound > fetchedUpTo {
                    delivered.append(max(range.lowerBound, fetchedUpTo + 1)...range.upperBound)
                }
            }
            partition.changedSinceCommit = false
            partitions[topicPartition] = partition
            points.append(CommitPoint(topicPartition: topicPartition, offset: offset, delivered: delivered))
        }
        return points
    }

    /// The group coordinator acknowledged these commits: they are the partitions' committed offsets now.
    mutating func commitAcknowledged(_ positions: [(KafkaTopicPartition, Int64)]) {
        for (topicPartition, offset) in positions where partitions[topicPartition] != nil {
            partitions[topicPartition]!.commitBase = offset
        }
    }

    /// A queued commit of these partitions failed: the next periodic commit sends them again.
    mutating func commitFailed(_ failed: [KafkaTopicPartition]) {
        for topicPartition in failed where partitions[topicPartition] != nil {
            partitions[topicPartition]!.changedSinceCommit = true
        }
    }

    /// The committed offset last acknowledged for a partition held now (what a delivery recorded locally extends).
    func commitBase(of topicPartition: KafkaTopicPartition, generation: UInt64) -> Int64?? {
        guard let partition = partitions[topicPartition], generation == 0 || partition.generation == generation else { return nil }
        return .some(partition.commitBase)
    }

    /// Snapshots for metrics; lag is filled in by the caller from librdkafka's cached high watermarks.
    func snapshot() -> [KafkaPartitionState] {
        partitions
            .map { key, value in
                KafkaPartitionState(
                    topic: key.topic,
                    partition: key.partition,
                    storedOffset: value.watermark.position,
                    highestOffsetSeen: value.watermark.highestHandedOut,
                    pending: value.watermark.pending,
                    paused: value.paused,
                    lag: nil
                )
            }
            .sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
    }

    /// The offset lag is measured from: the stored watermark, else the first offset still pending.
    func lagBase(of topicPartition: KafkaTopicPartition) -> Int64? {
        guard let partition = partitions[topicPartition] else { return nil }
        return partition.watermark.position ?? partition.watermark.lowestPending
    }
}
