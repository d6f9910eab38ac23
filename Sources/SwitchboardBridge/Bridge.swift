import Foundation
import Logging
import Prometheus
import ServiceLifecycle
import Synchronization
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardKafka
import SwitchboardStore

/// One running Switchboard: journal, delivery lanes per integration, the webhook listener, the admin listener, the
/// Kafka consumer, and the reload that swaps the configuration they work by.
///
/// `services` go into one `ServiceGroup`; on shutdown the webhook listener stops first (new events get `503`),
/// then the admin listener, then Kafka, then the lanes finish the attempts under way. Events without an outcome
/// stay in the journal and are delivered after the next start.
public final class Bridge: Sendable {
    /// The services to run, in start order (shut down in reverse).
    public let services: [any Service]
    /// The webhook listener.
    public let webhook: WebhookServer
    /// The admin listener.
    public let admin: AdminServer
    /// The embedded journal.
    public let journal: Journal
    /// The configuration in force.
    public let live: LiveConfiguration
    /// Reloads the configuration (SIGHUP, a file change, `POST /-/reload`).
    public let reloader: ConfigReloader
    /// The Kafka consumer of the routed topics, when `kafka:` is configured and a route reads a topic.
    public let kafka: KafkaSource?
    /// Where `switchboard tap` (`GET /-/tap`) watches events pass.
    public let tap: EventTap
    private let pipeline: WebhookPipeline
    private let logger: Logger
    /// The span exporter's own HTTP client, when `tracing:` is configured.
    private let exportClient: CurlHTTPClient?

    /// The delivery lanes of the configuration in force, by integration.
    public var lanes: [String: DeliveryLanes] { live.current.lanes }

    /// Assembles every part; opens the journal but starts nothing. `reload` reads the configuration file again
    /// (nil: a reload is refused).
    public init(
        config: SwitchboardConfig,
        integrations: [String: any Integration],
        keys: [String: KeyHolder],
        transport: any ExternalEventsTransport,
        clock: any DeliveryClock = SystemDeliveryClock(),
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        logger: Logger,
        reload: ConfigReloader.Loader? = nil
    ) throws {
        let journal = try Journal(
            directory: config.journal.directory, capacity: config.journal.capacity, limits: StoreLimits(config.journal),
            nowMillis: { clock.nowMillis() }, logger: logger
        )
        let tap = EventTap()
        var exporter: OTLPTraceExporter?
        var exportClient: CurlHTTPClient?
        if let tracing = config.tracing {
            let client = CurlHTTPClient(maxConnections: 2, logger: logger)
            exportClient = client
            exporter = OTLPTraceExporter(url: tracing.tracesURL, serviceName: tracing.serviceName, client: client, logger: logger)
        }
        let tracer = exporter.map { SwitchboardTracer(exporter: $0) }
        let hash = ConfigFingerprint.of(file: config.file).hash
        let live = LiveConfiguration(ActiveConfiguration(config: config, integrations: integrations, lanes: [:], destinations: [:], hash: hash))
        let pipeline = WebhookPipeline(live: live, journal: journal, dedupWindow: config.journal.dedupWindow, clock: clock, tap: tap, logger: logger)
        let dispatch = OutcomeDispatch(pipeline: pipeline)
        let makeLanes: ConfigReloader.LaneFactory = { name, destination, integration in
            DeliveryLanes(
                integration: name, destination: destination, policy: integration.retry.policy, maxInFlight: integration.maxInFlight,
                rateLimit: integration.rateLimit.map { ($0.count, $0.per) }, transport: transport, clock: clock, logger: logger, tap: tap,
                tracer: tracer, onOutcome: { delivery, outcome in await dispatch.record(delivery, outcome, integration: name) }
            )
        }
        var lanes: [String: DeliveryLanes] = [:]
        var destinations: [String: PolyAIDestination] = [:]
        for integration in config.integrations {
            guard let key = keys[integration.name] else { throw BridgeError("integration '\(integration.name)' has no key") }
            let destination = PolyAIDestination(
                baseURL: config.polyai.baseURL, accountID: config.polyai.accountID,
                projectID: integration.projectID, key: key, timeout: integration.timeout
            )
            destinations[integration.name] = destination
            lanes[integration.name] = makeLanes(integration.name, destination, integration)
        }
        live.install(ActiveConfiguration(config: config, integrations: integrations, lanes: lanes, destinations: destinations, hash: hash))
        let runner = LaneRunner(lanes)
        var kafka: KafkaSource?
        if let settings = config.kafka, RestartOnlySettings.readsKafka(config) || config.webhook.journal == .kafka {
            kafka = try KafkaSource(
                config: config, kafka: settings, live: live, runner: runner, journal: journal, clock: clock, tap: tap, tracer: tracer, logger: logger
            )
            dispatch.kafka.withLock { $0 = kafka }
        }

        let receiver: any WebhookReceiver
        if config.webhook.journal == .kafka, let settings = config.kafka {
            receiver = KafkaJournallingReceiver(
                live: live, producer: try Self.webhookProducer(settings, webhook: config.webhook, logger: logger),
                journal: journal, clock: clock, tap: tap, tracer: tracer, logger: logger
            )
        } else {
            receiver = JournallingReceiver(live: live, pipeline: pipeline, journal: journal, logger: logger, tracer: tracer)
        }
        let responder = WebhookResponder(receiver: receiver, clock: clock, logger: logger)
        let webhook = try WebhookServer(host: config.listen.host, port: config.listen.port, responder: responder, logger: logger)
        let rotation = KeyRotation(watched: Self.watchedKeys(config, holders: keys), logger: logger)
        let reloader = ConfigReloader(
            live: live, runner: runner, holders: keys, makeLanes: makeLanes, load: reload, rotation: rotation, kafka: kafka,
            clock: clock, logger: logger
        )
        let readiness = Readiness(
            live: live, reloader: reloader, listener: webhook.port, journal: journal, kafka: kafka, replayTransport: transport,
            clock: clock, registry: registry, journalWriteError: { pipeline.journalWriteError },
            webhookJournalError: { (receiver as? KafkaJournallingReceiver)?.produceFailure }
        )
        readiness.refreshGauges()
        let admin = AdminServer(
            host: config.admin.host, port: config.admin.port, token: config.admin.token, registry: registry, readiness: readiness, tap: tap,
            logger: logger
        )

        self.journal = journal
        self.tap = tap
        self.live = live
        self.reloader = reloader
        self.kafka = kafka
        self.pipeline = pipeline
        self.webhook = webhook
        self.admin = admin
        self.logger = logger
        self.exportClient = exportClient
        let sources: [any Service] = kafka.map { [$0] } ?? []
        // The exporter stops last, so the spans of the last outcomes are sent.
        self.services = (exporter.map { [$0] } ?? []) + [rotation, ConfigWatch(reloader: reloader, rotation: rotation), runner] + sources + [admin, webhook]
    }

    /// The key files to watch: every integration whose key is read from a file, with the holder its lanes read.
    static func watchedKeys(_ config: SwitchboardConfig, holders: [String: KeyHolder]) -> [KeyRotation.Watched] {
        config.integrations.compactMap { integration in
            guard case .file(let file) = integration.key.source, let holder = holders[integration.name] else { return nil }
            return KeyRotation.Watched(integration: integration.name, file: file, holder: holder)
        }
    }

    /// The producer of `webhook.journal: kafka`: every record acknowledged by all in-sync replicas, idempotent, and
    /// given up within `webhook.ack_timeout` (so the request is answered `503` then, not later). The topic must exist.
    private static func webhookProducer(_ kafka: KafkaConfig, webhook: WebhookConfig, logger: Logger) throws -> KafkaProducer {
        var options = kafka.options
        options["acks"] = "all"
        options["enable.idempotence"] = "true"
        if options["message.timeout.ms"] == nil { options["message.timeout.ms"] = String(max(1, webhook.ackTimeout.milliseconds)) }
        let producer = try KafkaProducer(brokers: kafka.brokers, options: options, logger: logger)
        guard let partitions = producer.partitionCount(of: webhook.topic, timeout: .seconds(10)), partitions > 0 else {
            producer.shutdown(flushTimeout: .zero)
            throw BridgeError(
                "webhook.journal is kafka but the topic '\(webhook.topic)' does not exist (or the brokers did not answer): "
                    + "create it, e.g. switchboard kafka-mock --topic \(webhook.topic):4 for trying"
            )
        }
        return producer
    }

    /// Queues every journalled event still without an outcome (from before a crash or stop).
    public func replayJournal() async throws(StoreError) {
        let count = try await pipeline.replayJournal()
        if count > 0 {
            logger.notice("journalled events resumed", metadata: ["switchboard.count": .stringConvertible(count)])
        }
    }

    /// Closes the journal once every service has stopped, after the outcomes still being recorded.
    public func close() async {
        await pipeline.drain()
        kafka?.close()
        journal.close()
        exportClient?.shutdown()
    }
}

/// Sends each outcome back to the source its event came from: the webhook journal or the Kafka consumer.
final class OutcomeDispatch: Sendable {
    let pipeline: WebhookPipeline
    let kafka = Mutex<KafkaSource?>(nil)

    init(pipeline: WebhookPipeline) {
        self.pipeline = pipeline
    }

    func record(_ delivery: Delivery, _ outcome: DeliveryOutcome, integration: String) async {
        switch delivery.source {
        case .kafka:
            await kafka.withLock { $0 }?.record(delivery, outcome)
        case .journal:
            await pipeline.record(delivery, outcome, integration: integration)
        case .detached:
            break
        }
    }
}

/// Why a bridge could not be assembled.
public struct BridgeError: Error, CustomStringConvertible {
    /// What is wrong.
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
