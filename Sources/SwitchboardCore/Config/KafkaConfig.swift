/// The Kafka cluster Switchboard consumes from (optional).
public struct KafkaConfig: Sendable, Hashable {
    /// Bootstrap brokers, `host:port`.
    public var brokers: [String]
    /// The consumer group shared by every Switchboard instance.
    public var groupID: String
    /// Extra librdkafka properties (`options: { session.timeout.ms: 6000 }`), every value as text.
    public var options: [String: String]
    /// A topic dead letters are written to instead of the local store.
    public var deadLetterTopic: String?
    /// Per partition, how far past the committed offset events may be taken before the partition pauses.
    public var maxUncommitted: Int
    /// How long a rebalance or shutdown waits for attempts under way on the partitions it takes away.
    public var revokeTimeout: Duration
    /// How long writes to `deadLetterTopic` are retried before the dead letter goes to the local store instead.
    public var deadLetterTimeout: Duration
    /// The most bytes per partition of commit metadata (the offsets delivered past the committed one).
    public var commitMetadataMaxBytes: Int
    /// Where the `kafka` block is.
    public var position: ConfigPosition?

    /// Creates Kafka settings.
    public init(
        brokers: [String],
        groupID: String,
        options: [String: String] = [:],
        deadLetterTopic: String? = nil,
        maxUncommitted: Int = 10_000,
        revokeTimeout: Duration = .seconds(5),
        deadLetterTimeout: Duration = .seconds(60),
        commitMetadataMaxBytes: Int = 4000,
        position: ConfigPosition? = nil
    ) {
        self.commitMetadataMaxBytes = commitMetadataMaxBytes
        self.brokers = brokers
        self.groupID = groupID
        self.options = options
        self.deadLetterTopic = deadLetterTopic
        self.maxUncommitted = maxUncommitted
        self.revokeTimeout = revokeTimeout
        self.deadLetterTimeout = deadLetterTimeout
        self.position = position
    }
}

extension KafkaConfig {
    /// Reads the `kafka` block.
    static func read(_ reader: ConfigReader, _ context: ConfigContext) -> KafkaConfig? {
        let diagnostics = context.diagnostics
        let mark = context.errorMark

        var brokers: [String] = []
        if let node = reader.value("brokers", required: true), let list = node.strings(diagnostics) {
            if list.isEmpty {
                diagnostics.error("name at least one broker", at: node)
            }
            let items = node.kind == .sequence ? node.elements : [node]
            for (item, broker) in zip(items, list) where broker.isEmpty || broker.contains(where: \.isWhitespace) {
                diagnostics.error("expected a broker address such as localhost:9092", at: item)
            }
            brokers = list
        }

        var groupID = ""
        if let node = reader.value("group_id", required: true), let group = node.string(diagnostics) {
            if group.isEmpty {
                diagnostics.error("must not be empty", at: node)
            }
            groupID = group
        }

        var options: [String: String] = [:]
        if let node = reader.value("options") {
            if node.kind == .mapping {
                for entry in node.entries {
                    if entry.value.isNull {
                        diagnostics.error("a value is required", at: entry.value)
                    } else if let value = entry.value.string(diagnostics) {
                        options[entry.key] = value
                    }
                }
            } else if !node.interpolationFailed {
                diagnostics.error("expected a mapping of librdkafka properties, found \(node.kindDescription)", at: node)
            }
        }

        var deadLetterTopic: String?
        if let node = reader.value("dead_letter_topic"), let topic = node.string(diagnostics) {
            if topic.isEmpty {
                diagnostics.error("must not be empty", at: node)
            }
            deadLetterTopic = topic
        }
        let maxUncommitted = reader.int("max_uncommitted", range: 1...10_000_000) ?? 10_000
        var revokeTimeout: Duration = .seconds(5)
        if let node = reader.value("revoke_timeout"), let timeout = node.duration(diagnostics) {
            // The revoke blocks the consumer's poll: it must end well before librdkafka gives up on the member.
            let pollInterval = options["max.poll.interval.ms"].flatMap { Int64($0) } ?? 300_000
            if timeout < .milliseconds(100) || timeout.milliseconds * 2 > pollInterval {
                diagnostics.error(
                    "expected a revoke timeout from 100ms to half of max.poll.interval.ms (\(pollInterval)ms): the revoke blocks the consumer",
                    at: node
                )
            } else {
                revokeTimeout = timeout
            }
        }
        var deadLetterTimeout: Duration = .seconds(60)
        if let node = reader.value("dead_letter_timeout"), let timeout = node.duration(diagnostics) {
            if timeout < .milliseconds(100) || timeout > .seconds(3600) {
                diagnostics.error("expected a dead-letter timeout from 100ms to 1h", at: node)
            } else {
                deadLetterTimeout = timeout
            }
        }
        // Brokers refuse a commit whose metadata passes offset.metadata.max.bytes (4096 by default).
        let commitMetadataMaxBytes = reader.int("commit_metadata_max_bytes", range: 0...1_048_576) ?? 4000
        reader.finish()

        guard !context.hasErrors(since: mark) else { return nil }
        return KafkaConfig(
            brokers: brokers,
            groupID: groupID,
            options: options,
            deadLetterTopic: deadLetterTopic,
            maxUncommitted: maxUncommitted,
            revokeTimeout: revokeTimeout,
            deadLetterTimeout: deadLetterTimeout,
            commitMetadataMaxBytes: commitMetadataMaxBytes,
            position: reader.position
        )
    }
}
