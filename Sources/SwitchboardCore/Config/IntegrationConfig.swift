/// One integration instance: a plugin, the agent it delivers to, its own key, and how hard it retries.
///
/// ```yaml
/// integrations:
///   payments:
///     plugin: stripe
///     project_id: PROJECT-58RP822I
///     key: { env: POLYAI_KEY_PAYMENTS, agents: [PROJECT-58RP822I], permissions: [external_events] }
///     options: { signing_secret: "${STRIPE_WEBHOOK_SECRET}" }
///     retry: { max_attempts: 10, base: 100ms, cap: 10s, deadline: 55m }
///     max_in_flight: 64
///     rate_limit: 200/s
/// ```
public struct IntegrationConfig: Sendable, Hashable {
    /// The ordering keys an integration may use.
    public static let orderingKeys = ["event_id", "message_key"]
    /// The range `max_in_flight` must be in.
    public static let maxInFlightRange = 1...10_000

    /// The integration's name (the key under `integrations`), `[a-z0-9_-]+`.
    public var name: String
    /// The compiled-in plugin, such as `stripe` or `mapping`.
    public var plugin: String
    /// The agent events are delivered to (`project_id`).
    public var projectID: String
    /// The integration's own API key.
    public var key: KeyConfig
    /// The plugin's own settings, unread: the plugin checks them with a `ConfigReader`.
    public var options: ConfigNode?
    /// Backoff, attempts and deadline.
    public var retry: RetryConfig
    /// How many deliveries may be in flight at once; default 64.
    public var maxInFlight: Int
    /// The most deliveries per interval, if limited.
    public var rateLimit: Rate?
    /// What orders deliveries: `event_id` (one conversation, the default) or `message_key` (the Kafka key).
    public var orderingKey: String
    /// How long one request to PolyAI may take (`timeout`, default 10s).
    public var timeout: Duration
    /// Where the integration's block is.
    public var position: ConfigPosition?
    /// The key path of the block, such as `integrations.payments`.
    public var path: String

    /// Creates integration settings.
    public init(
        name: String,
        plugin: String,
        projectID: String,
        key: KeyConfig,
        options: ConfigNode? = nil,
        retry: RetryConfig = RetryConfig(),
        maxInFlight: Int = 64,
        rateLimit: Rate? = nil,
        orderingKey: String = "event_id",
        timeout: Duration = .seconds(10),
        position: ConfigPosition? = nil,
        path: String = ""
    ) {
        self.name = name
        self.plugin = plugin
        self.projectID = projectID
        self.key = key
        self.options = options
        self.retry = retry
        self.maxInFlight = maxInFlight
        self.rateLimit = rateLimit
        self.orderingKey = orderingKey
        self.timeout = timeout
        self.position = position
        self.path = path
    }

    /// Whether a name is usable for an integration: `[a-z0-9_-]+`.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "0"..."9", "_", "-": return true
            default: return false
            }
        }
    }
}

extension IntegrationConfig {
    /// Reads the `integrations` mapping, in file order; every integration is read even when others have errors.
    ///
    /// Returns the integrations that read without error, and every name written (valid or not) for route checks.
    static func readAll(_ node: ConfigNode?, path: String, position: ConfigPosition?, _ context: ConfigContext)
        -> (integrations: [IntegrationConfig], names: Set<String>) {
        let diagnostics = context.diagnostics
        guard let node, !node.isNull else {
            diagnostics.error("missing required key: define at least one integration", path: path, position: position)
            return ([], [])
        }
        guard node.kind == .mapping else {
            if !node.interpolationFailed {
                diagnostics.error("expected a mapping of integration names to their settings, found \(node.kindDescription)", at: node)
            }
            return ([], [])
        }
        if node.entries.isEmpty {
            diagnostics.error("define at least one integration", at: node)
        }
        var integrations: [IntegrationConfig] = []
        var names: Set<String> = []
        for entry in node.entries {
            names.insert(entry.key)
            if let integration = read(entry, context) {
                integrations.append(integration)
            }
        }
        return (integrations, names)
    }

    /// Reads one integration block.
    static func read(_ entry: ConfigNode.Entry, _ context: ConfigContext) -> IntegrationConfig? {
        let diagnostics = context.diagnostics
        let mark = context.errorMark
        let blockPath = entry.value.path
        if !isValidName(entry.key) {
            diagnostics.error(
                "integration names may use only a-z, 0-9, '_' and '-'",
                path: blockPath,
                position: entry.keyPosition
            )
        }
        if entry.value.isNull {
            diagnostics.error("missing the integration's settings (plugin, project_id, key)", path: blockPath, position: entry.keyPosition)
            return nil
        }
        let reader = ConfigReader(node: entry.value, diagnostics: diagnostics)
        let plugin = nonEmpty(reader, "plugin")
        let projectID = nonEmpty(reader, "project_id")
        let key = reader.mapping("key", required: true).flatMap { KeyConfig.read($0, context) }
        let options = reader.child("options")
        let retry = RetryConfig.read(reader.mapping("retry"), context)
        let maxInFlight = reader.int("max_in_flight", range: maxInFlightRange) ?? 64
        let rateLimit = reader.rate("rate_limit")
        let orderingKey = reader.oneOf("ordering_key", orderingKeys) ?? "event_id"
        let timeout = reader.duration("timeout") ?? .seconds(10)
        reader.finish()

        guard !context.hasErrors(since: mark), let plugin, let projectID, let key, let retry else { return nil }
        return IntegrationConfig(
            name: entry.key,
            plugin: plugin,
            projectID: projectID,
            key: key,
            options: options.flatMap { $0.isNull ? nil : $0 },
            retry: retry,
            maxInFlight: maxInFlight,
            rateLimit: rateLimit,
            orderingKey: orderingKey,
            timeout: timeout,
            position: entry.keyPosition ?? entry.value.position,
            path: blockPath
        )
    }

    private static func nonEmpty(_ reader: ConfigReader, _ key: String) -> String? {
        guard let node = reader.value(key, required: true), let text = node.string(reader.diagnostics) else { return nil }
        guard !text.isEmpty else {
            reader.diagnostics.error("must not be empty", at: node)
            return nil
        }
        return text
    }
}
