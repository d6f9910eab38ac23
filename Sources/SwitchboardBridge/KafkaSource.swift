import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization
import SwitchboardCore
import SwitchboardKafka
import SwitchboardStore

/// Consumes the routed Kafka topics in one consumer group and feeds each message through its route and integration
/// into the delivery lanes. A message's offset is released (the consumer's contiguous watermark moves past it) only
/// once every External Event it produced has an outcome, and a dead letter counts as an outcome only once written.
public final class KafkaSource: Service, Sendable {
    private struct OpenMessage {
        var message: KafkaMessage
        var integration: String
        var route: String
        var remaining: Int
        /// A journalled webhook's delivery identity: remembered once delivered, so a re-send is skipped.
        var deliveryIdentity: String? = nil
        var deadLetters: [(ExternalEvent?, String, DeliveryOutcome.Attempt?)] = []
    }

    private let live: LiveConfiguration
    private let runner: LaneRunner
    private let journal: Journal
    private let deadLetterTopic: String?
    private let producer: KafkaProducer?
    /// `webhook.topic` when webhooks are journalled into Kafka: its records are External Events, already mapped.
    private let webhookTopic: String?
    private let dedupWindow: Duration
    private let clock: any DeliveryClock
    private let logger: Logger
    private let open = Mutex<[UInt64: OpenMessage]>([:])
    private let nextTicket = Atomic<UInt64>(0)
    private let consumerBox = Mutex<KafkaConsumer?>(nil)
    /// Integrations whose circuit is open: the topics routed to them are held (paused).
    private let openCircuits = Mutex<Set<String>>([])
    /// Messages of topics no route reads any more (a reload removed it), by partition: left uncommitted, and not
    /// waited for when the rebalance the new subscription brings takes their partition away.
    private let unrouted = Mutex<[KafkaTopicPartition: [Int64]]>([:])
    /// How long dead-letter topic writes are retried before the local store takes the dead letter.
    private let deadLetterTimeout: Duration
    private let lastFallback = Mutex<String?>(nil)
    private let withdrawn = Atomic<Int>(0)
    /// Delivered messages waiting for their local record (`releaseDelivered`).
    private let releasing = OutcomeGroup<(KafkaMessage, KafkaDeliveryRecord?)>()
    /// How long a graceful stop may wait for attempts under way before the last commit: what the process's
    /// `shutdown_timeout` leaves, less a second for the lanes and the close.
    private let stopBudget: Mutex<Duration>
    private let tap: EventTap
    private let tracer: SwitchboardTracer?

    /// Builds the consumer (and the dead-letter producer when `kafka.dead_letter_topic` is set); a bad librdkafka
    /// option is an error naming the key.
    public init(
        config: SwitchboardConfig,
        kafka: KafkaConfig,
        live: LiveConfiguration,
        runner: LaneRunner,
        journal: Journal,
        clock: any DeliveryClock,
        tap: EventTap = EventTap(),
        tracer: SwitchboardTracer? = nil,
        logger: Logger
    ) throws(KafkaError) {
        self.tap = tap
        self.tracer = tracer
        self.live = live
        self.runner = runner
        self.journal = journal
        self.deadLetterTopic = kafka.deadLetterTopic
        self.clock = clock
        self.logger = logger
        self.deadLetterTimeout = kafka.deadLetterTimeout
        self.webhookTopic = config.webhook.journal == .kafka ? config.webhook.topic : nil
        self.dedupWindow = config.journal.dedupWindow
        self.stopBudget = Mutex(Self.stopBudget(for: config))
        self.producer = try kafka.deadLetterTopic.map { _ throws(KafkaError) in
            // A dead letter's write gives up within the dead-letter timeout, so the fallback is reached in time.
            var options = kafka.options
            if options["message.timeout.ms"] == nil { options["message.timeout.ms"] = String(max(1, kafka.deadLetterTimeout.milliseconds)) }
            return try KafkaProducer(brokers: kafka.brokers, options: options, logger: logger)
        }
        let configuration = KafkaConsumerConfiguration(
            brokers: kafka.brokers, groupID: kafka.groupID,
            topics: live.current.consumedTopics, options: kafka.options,
            maxUncommittedPerPartition: kafka.maxUncommitted, revokeTimeout: kafka.revokeTimeout,
            commitMetadataMaxBytes: kafka.commitMetadataMaxBytes
        )
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger) { [weak self] message in
            self?.handle(message)
        }
        consumerBox.withLock { $0 = consumer }
        for (name, lane) in live.current.lanes { observeCircuit(of: name, lane) }
        consumer.onRevoke { [weak self] revoked in self?.withdraw(revoked) ?? [] }
        // Deliveries above the committed offset recorded on this host (a crash loses no more than the attempts in
        // flight): read once per assignment, forgotten as commits pass them.
        consumer.onAssign { partition, cluster, committed in
            (try? journal.kafkaDeliveredOffsets(topic: partition.topic, partition: partition.partition, clusterID: cluster, committed: committed)) ?? []
        }
        consumer.onCommit { positions in
            Task {
                for (partition, offset) in positions {
                    _ = try? await journal.forgetKafkaDelivered(topic: partition.topic, partition: partition.partition, below: offset)
                }
            }
        }
    }

    /// What `shutdown_timeout` leaves the final drain and commit: a second less, for the lanes and the close.
    private static func stopBudget(for config: SwitchboardConfig) -> Duration {
        max(.zero, config.shutdownTimeout - .seconds(1))
    }

    /// Pauses the Kafka topics routed to `name` while its lanes' open circuit holds events.
    func observeCircuit(of name: String, _ lanes: DeliveryLanes) {
        lanes.onCircuitChange { [weak self] open in self?.circuitChanged(integration: name, open: open) }
    }

    /// A reload put `next` in force: the consumer follows its topics (a new subscription: partitions of topics no
    /// route reads are revoked, their committed offsets stay), and the topics held by open circuits are held anew.
    func configurationChanged(from previous: ActiveConfiguration, to next: ActiveConfiguration) {
        stopBudget.withLock { $0 = Self.stopBudget(for: next.config) }
        guard let consumer else { return }
        if Set(previous.consumedTopics) != Set(next.consumedTopics) {
            consumer.subscribe(to: next.consumedTopics)
            logger.notice("Kafka subscription follows the reloaded routes", metadata: [
                "kafka.topics": .string(next.consumedTopics.joined(separator: ",")),
            ])
        }
        let held = openCircuits.withLock { circuits in Set(circuits.flatMap { next.topicsByIntegration[$0] ?? [] }) }
        let before = Set(previous.topicsByIntegration.values.flatMap { $0 })
        consumer.hold(topics: before.subtracting(held), false)
        if !held.isEmpty { consumer.hold(topics: held, true) }
    }

    /// Pauses the topics routed to an integration while its open circuit holds events, and resumes them when it
    /// closes or holds nothing more (then the next message is the circuit's probe).
    func circuitChanged(integration: String, open held: Bool) {
        let routed = live.current.topicsByIntegration
        let topics = routed[integration] ?? []
        let stillHeld = openCircuits.withLock { circuits -> Set<String> in
            if held { circuits.insert(integration) } else { circuits.remove(integration) }
            return Set(circuits.flatMap { routed[$0] ?? [] })
        }
        guard !topics.isEmpty else { return }
        if held {
            consumer?.hold(topics: topics, true)
            logger.warning("Kafka topics paused: their integration's circuit is open and holds events", metadata: [
                LogKey.integration: .string(integration), "kafka.topics": .string(topics.sorted().joined(separator: ",")),
            ])
        } else {
            consumer?.hold(topics: topics.subtracting(stillHeld), false)
        }
    }

    private var consumer: KafkaConsumer? { consumerBox.withLock { $0 } }

    /// Consumes until graceful shutdown; then waits (bounded) for outcomes, commits the watermarks and leaves the group.
    public func run() async throws {
        guard let consumer else { return }
        do {
            try await withGracefulShutdownHandler {
                try await consumer.run()
            } onGracefulShutdown: {
                consumer.shutdown(within: self.stopBudget.withLock { $0 })
            }
        } catch where Task.isShuttingDownGracefully || Task.isCancelled {
            // Stopping anyway: what had no outcome stays uncommitted and is consumed again after the next start.
            logger.warning("Kafka consumer stopped with an error", metadata: [LogKey.error: .string("\(error)")])
        }
    }

    /// Flushes and closes the dead-letter producer; called once the lanes have stopped, so dead letters of their
    /// last outcomes are still written.
    public func close() {
        producer?.shutdown()
    }

    /// Per-partition state for metrics and the status page.
    public func partitionStates() -> [KafkaPartitionState] {
        consumer?.partitionStates() ?? []
    }

    /// Rebalances seen since start.
    public var rebalanceCount: Int { consumer?.rebalanceCount ?? 0 }

    // MARK: - Messages in

    /// Runs on the consumer's thread: routes, maps and queues one message without blocking.
    func handle(_ message: KafkaMessage) {
        if message.topic == webhookTopic {
            handleWebhookRecord(message)
            return
        }
        let configuration = live.current
        guard configuration.router.reads(topic: message.topic) else {
            // A reload removed the topic's last route: the message stays uncommitted for the next configuration
            // that reads it, and the coming rebalance does not wait for it.
            unrouted.withLock { $0[KafkaTopicPartition(topic: message.topic, partition: message.partition), default: []].append(message.offset) }
            return
        }
        let event = InboundEvent(
            source: .kafka(topic: message.topic, partition: message.partition, offset: message.offset),
            route: "",
            headers: message.headers.map { Header($0.name, String(decoding: $0.value, as: UTF8.self)) },
            body: message.value,
            messageKey: message.key,
            // The deadline counts from when the event was produced (after lag or a restart it is older than now).
            receivedAtMillis: min(message.timestampMillis ?? clock.nowMillis(), clock.nowMillis())
        )
        guard let target = configuration.router.kafka(topic: message.topic, event: event) else {
            // No route wants it: nothing to deliver, so its offset may pass.
            consumer?.markDone(message)
            return
        }
        var routed = event
        routed.route = target.route
        IntegrationMetrics.named(target.integration).received.increment()
        tap.publish(EventTap.Entry(atMillis: routed.receivedAtMillis, integration: target.integration, route: target.route, stage: .received, body: message.value))
        guard let integration = configuration.integrations[target.integration], let lanes = configuration.lanes[target.integration] else {
            deadLetterNow(message, integration: target.integration, route: target.route, reason: "no_integration", errorMessage: "integration '\(target.integration)' is not configured")
            return
        }
        // The producer's trace (a `traceparent` header), continued by a `kafka.receive` span when tracing is on.
        let span = tracer?.startSpan("kafka.receive", parent: routed.trace, ofKind: .consumer)
        defer { span?.end() }
        span?.attributes["messaging.destination.name"] = message.topic
        span?.attributes["messaging.kafka.partition"] = Int(message.partition)
        span?.attributes["messaging.kafka.offset"] = message.offset
        let trace = span?.trace ?? routed.trace ?? TraceContext.start()
        var events: [ExternalEvent]
        do {
            events = try Self.externalEvents(of: routed, mappedBy: integration, orderedByMessageKey: configuration.orderedByMessageKey.contains(target.integration))
        } catch {
            IntegrationMetrics.named(target.integration).deadLettered(reason: error.reason).increment()
            tap.publish(EventTap.Entry(atMillis: clock.nowMillis(), integration: target.integration, route: target.route, stage: .deadLettered(reason: error.reason, message: error.message)))
            deadLetterNow(message, integration: target.integration, route: target.route, reason: error.reason, errorMessage: error.message, traceID: trace.traceID)
            return
        }
        for index in events.indices where events[index].trace == nil { events[index].trace = trace }
        guard !events.isEmpty else {
            consumer?.markDone(message)
            return
        }
        let ticket = nextTicket.add(1, ordering: .relaxed).newValue
        open.withLock { $0[ticket] = OpenMessage(message: message, integration: target.integration, route: target.route, remaining: events.count) }
        for external in events {
            tap.publish(EventTap.Entry(atMillis: clock.nowMillis(), integration: target.integration, route: target.route, eventID: external.eventID, stage: .mapped(events: events.count), body: external.body))
            lanes.submit(Delivery(
                event: external, route: target.route, firstSeenMillis: routed.receivedAtMillis,
                source: .kafka(message: ticket, topic: message.topic, partition: message.partition)
            ))
        }
    }

    /// The External Events `integration` maps a routed Kafka event to; with `ordering_key: message_key` they travel
    /// in the lane of the message key. Pure: `switchboard test` maps Kafka messages offline through it.
    static func externalEvents(
        of event: InboundEvent, mappedBy integration: any Integration, orderedByMessageKey: Bool
    ) throws(MappingFailure) -> [ExternalEvent] {
        var events = try integration.map(event)
        if orderedByMessageKey, let key = event.messageKey {
            let orderingKey = "key:" + String(decoding: key, as: UTF8.self)
            for index in events.indices { events[index].orderingKey = orderingKey }
        }
        return events
    }

    /// A webhook journalled into Kafka: its External Event goes to its integration's lanes as it is. A provider
    /// re-send (same delivery identity, same partition) delivered within the dedup window is skipped.
    private func handleWebhookRecord(_ message: KafkaMessage) {
        let record: WebhookRecord
        switch WebhookRecord.decode(message) {
        case .success(let decoded):
            record = decoded
        case .failure(let failure):
            deadLetterNow(message, integration: "unknown", route: "webhook-journal", reason: failure.reason, errorMessage: failure.message)
            return
        }
        if let identity = record.deliveryIdentity,
           (try? journal.wasDelivered(identity: identity, sinceMillis: clock.nowMillis() - dedupWindow.milliseconds)) == true {
            IntegrationMetrics.named(record.integration).duplicates.increment()
            consumer?.markDone(message)
            return
        }
        // A removed integration's lanes still run (this instance had it): the record was acknowledged, so deliver it.
        guard let lanes = live.current.lanes[record.integration] ?? runner.all[record.integration] else {
            deadLetterNow(message, integration: record.integration, route: record.route, reason: "no_integration",
                          errorMessage: "integration '\(record.integration)' is not configured")
            return
        }
        let ticket = nextTicket.add(1, ordering: .relaxed).newValue
        open.withLock {
            $0[ticket] = OpenMessage(message: message, integration: record.integration, route: record.route, remaining: 1, deliveryIdentity: record.deliveryIdentity)
        }
        lanes.submit(Delivery(
            event: record.event, route: record.route, firstSeenMillis: record.receivedAtMillis,
            source: .kafka(message: ticket, topic: message.topic, partition: message.partition)
        ))
    }

    // MARK: - Rebalance

    /// Messages whose events left the lanes because a rebalance took their partition away (since start).
    public var withdrawnMessages: Int { withdrawn.load(ordering: .relaxed) }

    /// A rebalance takes partitions away: their events that no attempt is under way for leave the lanes at once (the
    /// next owner delivers them), and so does any message one of whose events left. Returns their offsets, which
    /// the revocation does not wait for. Runs on the consumer's thread.
    func withdraw(_ revoked: [KafkaTopicPartition]) -> [(KafkaTopicPartition, Int64)] {
        let partitions = Set(revoked.map { "\($0.topic)/\($0.partition)" })
        var tickets: Set<UInt64> = []
        for lane in runner.all.values {
            let removed = lane.withdraw { delivery in
                guard let place = delivery.source.kafkaPartition else { return false }
                return partitions.contains("\(place.topic)/\(place.partition)")
            }
            for delivery in removed {
                if case .kafka(let ticket, _, _) = delivery.source { tickets.insert(ticket) }
            }
        }
        let taken = open.withLock { open in tickets.compactMap { open.removeValue(forKey: $0)?.message } }
        withdrawn.add(taken.count, ordering: .relaxed)
        if !taken.isEmpty {
            logger.info("Kafka events of revoked partitions left the lanes for their next owner", metadata: [
                "switchboard.count": .stringConvertible(taken.count),
            ])
        }
        let skipped = unrouted.withLock { unrouted in
            revoked.flatMap { partition in (unrouted.removeValue(forKey: partition) ?? []).map { (partition, $0) } }
        }
        return taken.map { (KafkaTopicPartition(topic: $0.topic, partition: $0.partition), $0.offset) } + skipped
    }

    // MARK: - Outcomes

    /// The lanes' outcome handler for Kafka deliveries.
    public func record(_ delivery: Delivery, _ outcome: DeliveryOutcome) async {
        guard case .kafka(let ticket, _, _) = delivery.source else { return }
        let finished: OpenMessage? = open.withLock { open in
            guard var entry = open[ticket] else { return nil }
            if case .deadLettered(let reason, let last) = outcome {
                entry.deadLetters.append((delivery.event, reason, last))
            }
            entry.remaining -= 1
            if entry.remaining > 0 {
                open[ticket] = entry
                return nil
            }
            open[ticket] = nil
            return entry
        }
        guard let finished else { return }
        guard consumer?.owns(finished.message) == true else {
            // Its partition was revoked (and perhaps assigned again) before this attempt finished: the next owner
            // delivers it, so nothing is recorded, released or dead-lettered from here.
            logger.info("outcome of a revoked Kafka partition dropped: its next owner delivers the event", metadata: [
                LogKey.integration: .string(finished.integration), LogKey.outcome: .string(outcome.label),
            ])
            return
        }
        // Taken now, while the partition is still this instance's: a rebalance before the write does not lose it.
        let record = deliveryRecord(of: finished.message)
        if finished.deadLetters.isEmpty, finished.deliveryIdentity == nil {
            releaseDelivered(finished.message, record: record)
            return
        }
        // Off the lane's path: the offset is released only after the dead letters are written.
        Task {
            for (event, reason, last) in finished.deadLetters {
                await writeDeadLetter(finished.message, integration: finished.integration, route: finished.route, event: event, reason: reason, last: last)
            }
            if let identity = finished.deliveryIdentity, finished.deadLetters.isEmpty {
                try? await journal.recordDelivered(identity: identity, atMillis: clock.nowMillis())
            }
            await release(finished.message, record: record)
        }
    }

    /// The local record of a delivered message, naming the assignment it was delivered in (nil once revoked).
    private func deliveryRecord(of message: KafkaMessage) -> KafkaDeliveryRecord? {
        consumer?.deliveryRecordBase(of: message).map {
            KafkaDeliveryRecord(topic: message.topic, partition: message.partition, offset: message.offset, clusterID: $0.clusterID, committed: $0.committed)
        }
    }

    /// Releases a delivered message as `release` does, with the others delivered meanwhile (one journal write).
    private func releaseDelivered(_ message: KafkaMessage, record: KafkaDeliveryRecord?) {
        guard releasing.add((message, record)) else { return }
        Task {
            while true {
                // A few milliseconds for more deliveries to join: each journal commit waits for the disk (fsync),
                // and offsets released a little later change nothing but the next commit's position.
                try? await Task.sleep(for: Self.releaseGathering)
                let group = releasing.take()
                guard !group.isEmpty else { return }
                let records = group.compactMap(\.1)
                if !records.isEmpty { try? await journal.recordKafkaDelivered(records) }
                for (message, _) in group { consumer?.markDone(message) }
            }
        }
    }

    /// How long delivered messages gather before their records are written together.
    static let releaseGathering = Duration.milliseconds(5)

    /// Releases a message whose outcome is final: remembered locally first (a restart, or this instance getting the
    /// partition back after a rebalance, skips it), then its offset is marked done.
    private func release(_ message: KafkaMessage, record: KafkaDeliveryRecord?) async {
        if let record { try? await journal.recordKafkaDelivered([record]) }
        consumer?.markDone(message)
    }

    private func deadLetterNow(_ message: KafkaMessage, integration: String, route: String, reason: String, errorMessage: String, traceID: String? = nil) {
        var metadata: Logger.Metadata = [
            LogKey.integration: .string(integration), LogKey.outcome: .string(reason), LogKey.errorMessage: .string(errorMessage),
        ]
        if let traceID { metadata[LogKey.traceID] = .string(traceID) }
        logger.warning("event dead-lettered", metadata: metadata)
        let record = deliveryRecord(of: message)
        Task {
            await writeDeadLetter(message, integration: integration, route: route, event: nil, reason: reason,
                                  last: DeliveryOutcome.Attempt(attempts: 0, status: nil, errorMessage: errorMessage, correlationID: nil), traceID: traceID)
            await release(message, record: record)
        }
    }

    /// Writes one dead letter, retrying with backoff until it is written, while the offset stays held. Writes to the
    /// dead-letter topic are retried for `kafka.dead_letter_timeout`; then the dead letter goes to the local store
    /// (logged, counted in `switchboard_dead_letter_fallbacks_total`, shown in `/readyz`), so nothing waits forever.
    private func writeDeadLetter(_ message: KafkaMessage, integration: String, route: String, event: ExternalEvent?, reason: String, last: DeliveryOutcome.Attempt?, traceID: String? = nil) async {
        var wait = Duration.milliseconds(100)
        let started = clock.nowMillis()
        var toTopic = producer != nil && deadLetterTopic != nil
        while true {
            do {
                if toTopic, let producer, let topic = deadLetterTopic {
                    try await producer.send(topic: topic, key: message.key, value: message.value, headers: deadLetterHeaders(message, integration, event, reason, last))
                } else {
                    try await storeDeadLetter(message, integration: integration, route: route, event: event, reason: reason, last: last, traceID: traceID ?? event?.trace?.traceID)
                }
                return
            } catch {
                if toTopic, clock.nowMillis() - started >= deadLetterTimeout.milliseconds {
                    toTopic = false
                    let note = "dead letters of \(integration) could not be written to \(deadLetterTopic ?? "the topic") for \(deadLetterTimeout): "
                        + "written to the local store instead (switchboard dlq list)"
                    lastFallback.withLock { $0 = note }
                    Self.fallbacks(integration).increment()
                    logger.error("dead letter written to the local store: the dead-letter topic failed past dead_letter_timeout", metadata: [
                        LogKey.integration: .string(integration), LogKey.error: .string("\(error)"),
                    ])
                    continue
                }
                logger.error("dead letter not written yet: the offset stays held", metadata: [
                    LogKey.integration: .string(integration), LogKey.error: .string("\(error)"),
                ])
                try? await clock.sleep(for: wait)
                wait = min(wait * 2, .seconds(30))
            }
        }
    }

    /// The External Event as it was posted (replayable as is), or the whole Kafka message when it never mapped,
    /// into the local dead letters.
    private func storeDeadLetter(_ message: KafkaMessage, integration: String, route: String, event: ExternalEvent?, reason: String, last: DeliveryOutcome.Attempt?, traceID: String?) async throws {
        let inbound = InboundEvent(
            source: .kafka(topic: message.topic, partition: message.partition, offset: message.offset), route: route,
            headers: message.headers.map { Header($0.name, String(decoding: $0.value, as: UTF8.self)) },
            body: message.value, messageKey: message.key, receivedAtMillis: message.timestampMillis ?? clock.nowMillis()
        )
        _ = try await journal.addDeadLetter(NewDeadLetter(
            integration: integration, route: route, reason: reason, attempts: last?.attempts ?? 0,
            lastStatus: last?.status, errorMessage: last?.errorMessage, correlationID: last?.correlationID,
            eventID: event?.eventID, firstSeenMillis: inbound.receivedAtMillis,
            deadLetteredAtMillis: clock.nowMillis(), contentType: event?.contentType ?? inbound.contentType,
            metadata: event.map(DeadLetterMetadata.encode) ?? InboundEventCodec.encodeMetadata(inbound.storable(for: live.current.integrations[integration])),
            body: event?.body ?? message.value,
            traceID: traceID
        ))
    }

    /// The last time dead letters fell back from the topic to the local store, for `/readyz`; nil if never.
    public var deadLetterFallback: String? { lastFallback.withLock { $0 } }

    private static let fallbackCounters = Mutex<[String: Counter]>([:])

    /// `switchboard_dead_letter_fallbacks_total{integration}`, made on first use.
    private static func fallbacks(_ integration: String) -> Counter {
        fallbackCounters.withLock { counters in
            if let counter = counters[integration] { return counter }
            let counter = Counter(label: "switchboard_dead_letter_fallbacks_total", dimensions: [("integration", integration)])
            counters[integration] = counter
            return counter
        }
    }

    private func deadLetterHeaders(_ message: KafkaMessage, _ integration: String, _ event: ExternalEvent?, _ reason: String, _ last: DeliveryOutcome.Attempt?) -> [KafkaHeader] {
        var headers = [
            KafkaHeader(name: "switchboard.reason", string: reason),
            KafkaHeader(name: "switchboard.integration", string: integration),
            KafkaHeader(name: "switchboard.attempts", string: String(last?.attempts ?? 0)),
            KafkaHeader(name: "switchboard.original.topic", string: message.topic),
            KafkaHeader(name: "switchboard.original.partition", string: String(message.partition)),
            KafkaHeader(name: "switchboard.original.offset", string: String(message.offset)),
        ]
        if let status = last?.status { headers.append(KafkaHeader(name: "switchboard.last_status", string: String(status))) }
        if let message = last?.errorMessage { headers.append(KafkaHeader(name: "switchboard.error_message", string: message)) }
        if let id = last?.correlationID { headers.append(KafkaHeader(name: "switchboard.correlation_id", string: id)) }
        if let id = event?.eventID { headers.append(KafkaHeader(name: "switchboard.event_id", string: id)) }
        return headers
    }
}
