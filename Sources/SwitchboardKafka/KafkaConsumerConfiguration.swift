/// What a `KafkaConsumer` reads and how it holds back: brokers, group, topics, librdkafka options and bounds.
///
/// `options` are handed to librdkafka unchanged (`security.protocol`, `sasl.*`, `ssl.*`, `session.timeout.ms`,
/// `partition.assignment.strategy` …) and override this module's defaults, except `enable.auto.commit` and
/// `enable.auto.offset.store`, which are always `false`: the consumer commits itself (every
/// `auto.commit.interval.ms`, default 1000 here, on revoke and on shutdown) so each commit carries its metadata.
/// Defaults set here: `auto.offset.reset=earliest` (a new group reads what is already in the topic),
/// `queued.max.messages.kbytes=16384` (prefetch bound), `client.id=switchboard`, and `log_level` from the logger.
public struct KafkaConsumerConfiguration: Sendable {
    /// Bootstrap brokers as `host:port`.
    public var brokers: [String]
    /// The consumer group; instances sharing it split the partitions.
    public var groupID: String
    /// Topics to subscribe to (a name starting with `^` is a regular expression, as in librdkafka).
    public var topics: [String]
    /// librdkafka configuration properties passed through as is.
    public var options: [String: String]
    /// Per partition, how many messages may be handed out without an outcome before the partition pauses.
    public var maxPendingPerPartition: Int
    /// Per partition, how far past the committed offset messages may be handed out before the partition pauses
    /// (`kafka.max_uncommitted`): bounds memory and what a restart reads again when one event is stuck.
    public var maxUncommittedPerPartition: Int
    /// How long a revocation (rebalance or shutdown) waits for outcomes of handed-out messages before committing.
    public var revokeTimeout: Duration
    /// How long one `rd_kafka_consumer_poll` call blocks on the consumer's own thread.
    public var pollTimeoutMilliseconds: Int
    /// The most bytes of commit metadata per partition (`kafka.commit_metadata_max_bytes`), under the broker's
    /// `offset.metadata.max.bytes` (4096 by default).
    public var commitMetadataMaxBytes: Int

    /// Creates a configuration; only brokers, group and topics are required.
    public init(
        brokers: [String],
        groupID: String,
        topics: [String],
        options: [String: String] = [:],
        maxPendingPerPartition: Int = 10_000,
        maxUncommittedPerPartition: Int = 10_000,
        revokeTimeout: Duration = .seconds(5),
        pollTimeoutMilliseconds: Int = 100,
        commitMetadataMaxBytes: Int = 4000
    ) {
        self.commitMetadataMaxBytes = commitMetadataMaxBytes
        self.brokers = brokers
        self.groupID = groupID
        self.topics = topics
        self.options = options
        self.maxPendingPerPartition = maxPendingPerPartition
        self.maxUncommittedPerPartition = maxUncommittedPerPartition
        self.revokeTimeout = revokeTimeout
        self.pollTimeoutMilliseconds = pollTimeoutMilliseconds
    }
}

extension KafkaConsumerConfiguration {
    /// Keys the commit policy depends on; user values for them are ignored with a warning.
    static let enforcedOptions: [(key: String, value: String)] = [
        ("enable.auto.commit", "false"),
        ("enable.auto.offset.store", "false"),
    ]

    /// librdkafka properties in the order they are applied: identity, defaults, user options, enforced keys.
    func librdkafkaSettings(logLevel: Int32) -> [(key: String, value: String)] {
        var settings: [(key: String, value: String)] = []
        if !brokers.isEmpty {
            settings.append(("bootstrap.servers", brokers.joined(separator: ",")))
        }
        settings.append(("group.id", groupID))
        settings.append(("client.id", "switchboard"))
        settings.append(("auto.offset.reset", "earliest"))
        settings.append(("log_level", String(logLevel)))
        // librdkafka prefetches up to 64 MiB by default; a smaller queue keeps memory bounded.
        settings.append(("queued.max.messages.kbytes", "16384"))
        // A member learns of a rebalance at its next heartbeat; sooner means less is delivered while the group
        // waits (librdkafka's default is 3 s).
        settings.append(("heartbeat.interval.ms", "1000"))
        let enforcedKeys = Set(Self.enforcedOptions.map(\.key))
        for key in options.keys.sorted() where !enforcedKeys.contains(key) {
            if let value = options[key] {
                settings.append((key, value))
            }
        }
        settings.append(contentsOf: Self.enforcedOptions)
        return settings
    }

    /// User options that the consumer overrides, to warn about.
    var overriddenOptionKeys: [String] {
        Self.enforcedOptions.compactMap { enforced in
            guard let value = options[enforced.key], value != enforced.value else { return nil }
            return enforced.key
        }
    }

    /// The poll timeout clamped to something librdkafka accepts and that still reacts to shutdown.
    var effectivePollTimeoutMilliseconds: Int32 {
        Int32(clamping: min(max(pollTimeoutMilliseconds, 1), 1_000))
    }

    /// How often the consumer commits: `auto.commit.interval.ms` when given, else one second.
    var commitInterval: Duration {
        .milliseconds(min(max(options["auto.commit.interval.ms"].flatMap { Int($0) } ?? 1000, 10), 3_600_000))
    }

    /// The bound clamped to at least one message.
    var effectiveMaxPending: Int { max(maxPendingPerPartition, 1) }
}

extension KafkaConsumerConfiguration {
    /// Checks every librdkafka option offline (no connection is made); the error names the first bad key.
    public func checkOptions() throws(KafkaError) {
        _ = try RdKafkaConf(settings: librdkafkaSettings(logLevel: 3))
    }
}
