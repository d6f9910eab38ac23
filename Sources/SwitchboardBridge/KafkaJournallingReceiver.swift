import Logging
import Tracing
import Synchronization
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardKafka
import SwitchboardStore

/// Takes webhook requests into a Kafka topic (`webhook.journal: kafka`): the integration verifies and maps the
/// request at intake, each External Event it becomes is produced as its own record (acks=all, idempotent), and the
/// request is acknowledged only once the broker acknowledged every record. The consumer group delivers them, so
/// any instance can deliver any webhook and a lost machine loses nothing it acknowledged.
final class KafkaJournallingReceiver: WebhookReceiver {
    private let live: LiveConfiguration
    private let producer: KafkaProducer
    private let journal: Journal
    private let clock: any DeliveryClock
    private let logger: Logger
    private let lastFailure = Mutex<String?>(nil)
    private let tap: EventTap
    private let tracer: SwitchboardTracer?

    init(
        live: LiveConfiguration, producer: KafkaProducer, journal: Journal, clock: any DeliveryClock, tap: EventTap = EventTap(),
        tracer: SwitchboardTracer? = nil, logger: Logger
    ) {
        self.tap = tap
        self.tracer = tracer
        self.live = live
        self.producer = producer
        self.journal = journal
        self.clock = clock
        self.logger = logger
    }

    /// Why the last request could not be produced (for `/readyz`); nil once a request was produced again.
    var produceFailure: String? { lastFailure.withLock { $0 } }

    var settings: WebhookConfig { live.current.config.webhook }

    func target(forPath path: String) -> SwitchboardCore.Router.Target? {
        live.current.router.webhook(path: path)
    }

    func refusal(for target: SwitchboardCore.Router.Target) -> WebhookReply? {
        live.current.integrations[target.integration] == nil ? JournallingReceiver.reloaded : nil
    }

    func receive(_ event: InboundEvent, target: SwitchboardCore.Router.Target) async -> WebhookReply {
        await JournallingReceiver.traced(event, target: target, tracer: tracer) { span in await take(event, target: target, span: span) }
    }

    private func take(_ event: InboundEvent, target: SwitchboardCore.Router.Target, span: SwitchboardSpan?) async -> WebhookReply {
        guard let integration = live.current.integrations[target.integration] else { return JournallingReceiver.reloaded }
        if let reply = await JournallingReceiver.rejection(of: event, by: integration, target: target, logger: logger) { return reply }
        let event = event.tracing(under: span?.trace)
        let trace = event.trace
        let metrics = IntegrationMetrics.named(target.integration)
        metrics.received.increment()
        tap.publish(EventTap.Entry(atMillis: event.receivedAtMillis, integration: target.integration, route: target.route, stage: .received, body: event.body))
        var events: [ExternalEvent]
        do {
            events = try await integration.mapped(event)
        } catch {
            // Accepted, but nothing can be delivered: the dead letter is the outcome (written before the answer).
            metrics.deadLettered(reason: error.reason).increment()
            tap.publish(EventTap.Entry(atMillis: clock.nowMillis(), integration: target.integration, route: target.route, stage: .deadLettered(reason: error.reason, message: error.message)))
            logger.warning("event dead-lettered", metadata: [
                LogKey.integration: .string(target.integration), LogKey.route: .string(target.route),
                LogKey.outcome: .string(error.reason), LogKey.errorMessage: .string(error.message),
            ])
            do {
                _ = try await journal.addDeadLetter(NewDeadLetter(
                    integration: target.integration, route: target.route, reason: error.reason, attempts: 0, lastStatus: nil,
                    errorMessage: error.message, correlationID: nil, eventID: nil, firstSeenMillis: event.receivedAtMillis,
                    deadLetteredAtMillis: clock.nowMillis(), contentType: event.contentType,
                    metadata: InboundEventCodec.encodeMetadata(event.storable(for: integration)), body: event.body,
                    traceID: trace?.traceID
                ))
            } catch {
                return .unavailable("dead letter store unavailable")
            }
            return Self.acknowledge(integration, event)
        }
        // Mapped to nothing (an event type the integration ignores): nothing to produce, nothing to deliver.
        guard !events.isEmpty else { return Self.acknowledge(integration, event) }
        for index in events.indices where events[index].trace == nil { events[index].trace = trace }
        let delivery = integration.deliveryID(for: event)
        for external in events { tap.publish(EventTap.Entry(atMillis: clock.nowMillis(), integration: target.integration, route: target.route, eventID: external.eventID, stage: .mapped(events: events.count), body: external.body)) }
        let records = events.enumerated().map { index, external in
            WebhookRecord(
                event: external, route: target.route, integration: target.integration, receivedAtMillis: event.receivedAtMillis,
                deliveryIdentity: delivery.map { "\(target.integration):\($0)#\(index)" }
            )
        }
        let produceSpan = tracer?.startSpan("kafka.produce", parent: span?.trace, ofKind: .producer)
        let failure = await produce(records)
        if let failure { produceSpan?.setStatus(SpanStatus(code: .error, message: failure)) }
        produceSpan?.end()
        if let failure {
            lastFailure.withLock { $0 = failure }
            logger.warning("webhook not journalled: the broker did not acknowledge its records", metadata: [
                LogKey.integration: .string(target.integration), LogKey.error: .string(failure),
            ])
            return .unavailable("journal topic unavailable")
        }
        if lastFailure.withLock({ $0 }) != nil { lastFailure.withLock { $0 = nil } }
        return Self.acknowledge(integration, event)
    }

    /// The provider's expected reply, or `202`.
    private static func acknowledge(_ integration: any Integration, _ event: InboundEvent) -> WebhookReply {
        integration.acknowledgement(for: event) ?? .json(202, #"{"status":"accepted"}"#)
    }

    /// Produces every record and waits for the broker's acknowledgements, at most `ack_timeout`; the failure, if any.
    private func produce(_ records: [WebhookRecord]) async -> String? {
        let producer = self.producer
        let topic = settings.topic
        let timeout = settings.ackTimeout
        return await withTaskGroup(of: String?.self) { group in
            for record in records {
                group.addTask {
                    do {
                        try await producer.send(topic: topic, key: record.key, value: record.event.body, headers: record.headers, timestampMillis: record.receivedAtMillis)
                        return nil
                    } catch {
                        return "\(error)"
                    }
                }
            }
            // The producer gives each record up after `ack_timeout` (message.timeout.ms) and says so in its delivery
            // report, so the report decides: a record still being retried when this request gave up could be written
            // afterwards and then posted twice. This timer is only a backstop, a second later.
            group.addTask {
                try? await Task.sleep(for: timeout + .seconds(1))
                return "no acknowledgement from the broker within \(timeout)"
            }
            var acknowledged = 0
            while let result = await group.next() {
                if let failure = result {
                    group.cancelAll()
                    return failure
                }
                acknowledged += 1
                if acknowledged == records.count {
                    group.cancelAll()
                    return nil
                }
            }
            return nil
        }
    }
}
