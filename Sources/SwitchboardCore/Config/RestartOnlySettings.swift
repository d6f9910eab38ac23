/// The settings a running Switchboard cannot change in place: listeners, stores and the Kafka client are bound
/// to them at start. A reload that changes one is refused with a message naming it; the old configuration runs on.
public enum RestartOnlySettings {
    /// One message per restart-only setting that differs between the running and the new configuration;
    /// `consumingKafka` says whether a Kafka consumer was started (it is only started at start).
    public static func changes(from old: SwitchboardConfig, to new: SwitchboardConfig, consumingKafka: Bool) -> [String] {
        var changed: [String] = []
        func check(_ differs: Bool, _ key: String) {
            if differs { changed.append("\(key) changed: it takes effect only after a restart (switchboard run again)") }
        }
        check(old.polyai.proxy != new.polyai.proxy, "polyai.proxy")
        check(old.listen != new.listen, "listen")
        check(old.admin != new.admin, "admin")
        check(old.journal != new.journal, "journal")
        check(old.webhook.journal != new.webhook.journal, "webhook.journal")
        check(old.webhook.topic != new.webhook.topic, "webhook.topic")
        check(old.webhook.ackTimeout != new.webhook.ackTimeout, "webhook.ack_timeout")
        check(old.webhook.tls != new.webhook.tls, "webhook.tls")
        check(old.webhook.maxConnections != new.webhook.maxConnections, "webhook.max_connections")
        check(old.webhook.readTimeout != new.webhook.readTimeout, "webhook.read_timeout")
        check(old.tracing != new.tracing, "tracing")
        switch (old.kafka, new.kafka) {
        case (nil, nil):
            break
        case (nil, .some), (.some, nil):
            check(true, "kafka")
        case (.some(let before), .some(let after)):
            check(before.brokers != after.brokers, "kafka.brokers")
            check(before.groupID != after.groupID, "kafka.group_id")
            check(before.options != after.options, "kafka.options")
            check(before.deadLetterTopic != after.deadLetterTopic, "kafka.dead_letter_topic")
            check(before.deadLetterTimeout != after.deadLetterTimeout, "kafka.dead_letter_timeout")
            check(before.maxUncommitted != after.maxUncommitted, "kafka.max_uncommitted")
            check(before.revokeTimeout != after.revokeTimeout, "kafka.revoke_timeout")
            check(before.commitMetadataMaxBytes != after.commitMetadataMaxBytes, "kafka.commit_metadata_max_bytes")
        }
        if new.kafka != nil, !consumingKafka, readsKafka(new) {
            changed.append("routes: the first Kafka route starts the Kafka consumer, which happens only at start (switchboard run again)")
        }
        return changed
    }

    /// Whether a route reads a Kafka topic.
    public static func readsKafka(_ config: SwitchboardConfig) -> Bool {
        config.routes.contains { if case .kafka = $0.source { true } else { false } }
    }
}
