import Foundation

/// A whole, checked Switchboard configuration: what `switchboard run` starts from.
///
/// Made by `ConfigLoader.load(file:)`, which reports every problem of the file at once and only returns a
/// configuration when there is no error.
public struct SwitchboardConfig: Sendable, Hashable {
    /// The webhook listener's address when the file leaves it out.
    public static let defaultListen = HostPort(host: "127.0.0.1", port: 8080)
    /// The admin listener's address when the file leaves it out.
    public static let defaultAdmin = HostPort(host: "127.0.0.1", port: 9090)
    /// How long a graceful shutdown may take when the file leaves it out.
    public static let defaultShutdownTimeout: Duration = .seconds(10)
    /// Every top-level key the file may use.
    public static let topLevelKeys = [
        "polyai", "listen", "admin", "journal", "webhook", "log", "shutdown_timeout", "kafka", "tracing", "integrations", "routes",
    ]

    /// Where events are delivered.
    public var polyai: PolyAIConfig
    /// The webhook listener (`listen`).
    public var listen: HostPort
    /// The admin listener: health, readiness, metrics, the status page (`admin`).
    public var admin: AdminConfig
    /// The embedded store (`journal`).
    public var journal: JournalConfig
    /// Webhook listener limits (`webhook`).
    public var webhook: WebhookConfig
    /// Log format and level (`log`).
    public var logging: LoggingConfig
    /// How long a graceful shutdown may take (`shutdown_timeout`).
    public var shutdownTimeout: Duration
    /// The Kafka cluster, when configured.
    public var kafka: KafkaConfig?
    /// Where spans are exported, when configured (`tracing`).
    public var tracing: TracingConfig?
    /// The integrations, in file order.
    public var integrations: [IntegrationConfig]
    /// The routes, in file order.
    public var routes: [RouteConfig]
    /// The configuration file's absolute path.
    public var file: String

    /// Creates a configuration.
    public init(
        polyai: PolyAIConfig,
        listen: HostPort = defaultListen,
        admin: AdminConfig = AdminConfig(),
        journal: JournalConfig,
        webhook: WebhookConfig = WebhookConfig(),
        logging: LoggingConfig = LoggingConfig(),
        shutdownTimeout: Duration = defaultShutdownTimeout,
        kafka: KafkaConfig? = nil,
        tracing: TracingConfig? = nil,
        integrations: [IntegrationConfig],
        routes: [RouteConfig],
        file: String
    ) {
        self.polyai = polyai
        self.listen = listen
        self.admin = admin
        self.journal = journal
        self.webhook = webhook
        self.logging = logging
        self.shutdownTimeout = shutdownTimeout
        self.kafka = kafka
        self.tracing = tracing
        self.integrations = integrations
        self.routes = routes
        self.file = file
    }

    /// The size of the HTTP client's connection pool to PolyAI, fixed at start: every attempt under way holds a
    /// connection, so the sum of the integrations' `max_in_flight`, at least 256.
    public var connectionPoolSize: Int {
        max(256, integrations.reduce(0) { $0 + $1.maxInFlight })
    }

    /// The integration with this name, if any.
    public func integration(named name: String) -> IntegrationConfig? {
        integrations.first { $0.name == name }
    }
}

extension SwitchboardConfig {
    /// Reads the whole document; returns the configuration (nil on any error) and the integrations that read cleanly.
    static func read(_ root: ConfigNode, file: String, _ context: ConfigContext)
        -> (config: SwitchboardConfig?, integrations: [IntegrationConfig]) {
        let diagnostics = context.diagnostics
        let mark = context.errorMark
        if root.kind == .scalar || root.kind == .sequence {
            // One clear error beats "missing required key" for every key of a file that is not a mapping at all.
            if !root.interpolationFailed {
                diagnostics.error("expected a mapping with polyai, integrations and routes, found \(root.kindDescription)", at: root)
            }
            return (nil, [])
        }
        let reader = ConfigReader(node: root, diagnostics: diagnostics)

        let polyai = reader.mapping("polyai", required: true).flatMap { PolyAIConfig.read($0, context) }
        let listen = reader.value("listen").flatMap { HostPort.read($0, diagnostics) } ?? defaultListen
        let admin = AdminConfig.read(reader.child("admin"), context)
        let journal = JournalConfig.read(reader.child("journal"), context)
        let webhook = WebhookConfig.read(reader.mapping("webhook"), context)
        let logging = LoggingConfig.read(reader.mapping("log"), context)
        let shutdownTimeout = reader.duration("shutdown_timeout") ?? defaultShutdownTimeout
        let hasKafka = reader.has("kafka")
        let kafka = reader.mapping("kafka").flatMap { KafkaConfig.read($0, context) }
        let tracing = TracingConfig.read(reader.mapping("tracing"), context)
        let (integrations, names) = IntegrationConfig.readAll(
            reader.child("integrations"),
            path: "integrations",
            position: reader.position,
            context
        )
        let (routes, targets) = RouteConfig.readAll(
            reader.child("routes"),
            path: "routes",
            position: reader.position,
            checks: RouteConfig.Checks(integrationNames: names, hasKafka: hasKafka),
            context
        )
        reader.finish()

        if listen == admin.listen, listen.port != 0, reader.has("listen") || reader.has("admin") {
            diagnostics.error(
                "the admin listener cannot share the webhook listener's address",
                path: reader.path(of: "admin"),
                position: reader.child("admin")?.position ?? reader.position
            )
        }
        for integration in integrations where !targets.contains(integration.name) {
            diagnostics.warning(
                "no route sends events to this integration",
                path: integration.path,
                position: integration.position
            )
        }
        if webhook?.journal == .kafka, !hasKafka {
            diagnostics.error(
                "webhook.journal: kafka needs a kafka block (brokers, group_id) to produce to and consume from",
                path: "webhook.journal", position: reader.child("webhook")?.position ?? reader.position
            )
        }
        AdminConfig.warnIfExposed(admin, node: reader.child("admin"), diagnostics)
        UnverifiedWebhookCheck.warn(listen: listen, integrations: integrations, routes: routes, diagnostics)
        PublicURLCheck.warn(listen: listen, integrations: integrations, diagnostics)

        guard !context.hasErrors(since: mark), let polyai, let journal, let webhook, let logging else {
            return (nil, integrations)
        }
        let config = SwitchboardConfig(
            polyai: polyai,
            listen: listen,
            admin: admin,
            journal: journal,
            webhook: webhook,
            logging: logging,
            shutdownTimeout: shutdownTimeout,
            kafka: hasKafka ? kafka : nil,
            tracing: tracing,
            integrations: integrations,
            routes: routes,
            file: file
        )
        return (config, integrations)
    }
}
