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
    /// Where the `kafka` block is.
    public var position: ConfigPosition?

    /// Creates Kafka settings.
    public init(
        brokers: [String],
        groupID: String,
        options: [String: String] = [:],
        deadLetterTopic: String? = nil,
        position: ConfigPosition? = nil
    ) {
        self.brokers = brokers
        self.groupID = groupID
        self.options = options
        self.deadLetterTopic = deadLetterTopic
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
        reader.finish()

        guard !context.hasErrors(since: mark) else { return nil }
        return KafkaConfig(
            brokers: brokers,
            groupID: groupID,
            options: options,
            deadLetterTopic: deadLetterTopic,
            position: reader.position
        )
    }
}
