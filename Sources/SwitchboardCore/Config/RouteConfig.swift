/// A route: events from one source, optionally filtered, go to one integration.
///
/// ```yaml
/// routes:
///   - from: { webhook: /hooks/stripe }
///     to: payments
///   - from: { kafka: crm.bookings }
///     when: { header: event-type, equals: booking.confirmed }
///     to: bookings
/// ```
public struct RouteConfig: Sendable, Hashable {
    /// The route's name for logs and metrics; by default `webhook:/hooks/x` or `kafka:topic`.
    public var name: String
    /// Where events come from.
    public var source: RouteSource
    /// The condition events must meet, if any.
    public var condition: RouteCondition?
    /// The name of the integration events go to.
    public var integration: String
    /// Where the route is (its list item).
    public var position: ConfigPosition?
    /// Where the route's source (the webhook path or topic) is written.
    public var sourcePosition: ConfigPosition?
    /// The key path of the route, such as `routes[1]`.
    public var path: String

    /// Creates a route.
    public init(
        name: String,
        source: RouteSource,
        condition: RouteCondition? = nil,
        integration: String,
        position: ConfigPosition? = nil,
        sourcePosition: ConfigPosition? = nil,
        path: String = ""
    ) {
        self.name = name
        self.source = source
        self.condition = condition
        self.integration = integration
        self.position = position
        self.sourcePosition = sourcePosition
        self.path = path
    }

    /// The name a route gets when it has none.
    public static func defaultName(for source: RouteSource) -> String {
        switch source {
        case .webhook(let path): return "webhook:\(path)"
        case .kafka(let topic): return "kafka:\(topic)"
        }
    }
}

extension RouteConfig {
    /// What every route is checked against.
    struct Checks {
        /// Every integration name written in the file (empty when `integrations` itself is broken).
        var integrationNames: Set<String>
        /// Whether the file has a `kafka` block.
        var hasKafka: Bool
        /// Webhook paths seen so far, with the path of the route that took each.
        var webhookPaths: [String: String] = [:]
        /// Every integration name a route's `to` names, valid or not.
        var targets: Set<String> = []
    }

    /// Reads the `routes` list; every route is read even when others have errors.
    static func readAll(_ node: ConfigNode?, path: String, position: ConfigPosition?, checks: Checks, _ context: ConfigContext)
        -> (routes: [RouteConfig], targets: Set<String>) {
        let diagnostics = context.diagnostics
        guard let node, !node.isNull else {
            diagnostics.error("missing required key: define at least one route", path: path, position: position)
            return ([], [])
        }
        guard let items = node.list(diagnostics) else { return ([], []) }
        if items.isEmpty {
            diagnostics.error("define at least one route", at: node)
        }
        var checks = checks
        var routes: [RouteConfig] = []
        for item in items {
            if let route = read(item, checks: &checks, context) {
                routes.append(route)
            }
        }
        return (routes, checks.targets)
    }

    /// Reads one route.
    static func read(_ node: ConfigNode, checks: inout Checks, _ context: ConfigContext) -> RouteConfig? {
        let diagnostics = context.diagnostics
        let mark = context.errorMark
        if node.isNull {
            diagnostics.error("expected a route (from, to), found nothing", at: node)
            return nil
        }
        let reader = ConfigReader(node: node, diagnostics: diagnostics)

        var name: String?
        if let nameNode = reader.value("name"), let text = nameNode.string(diagnostics) {
            if text.isEmpty {
                diagnostics.error("must not be empty", at: nameNode)
            }
            name = text
        }

        var source: RouteSource?
        var sourceNode: ConfigNode?
        if let from = reader.mapping("from", required: true) {
            (source, sourceNode) = readSource(from, routePath: node.path, checks: &checks, context)
        }

        var condition: RouteCondition?
        if let when = reader.mapping("when") {
            let isKafka: Bool? = source.map { if case .kafka = $0 { return true } else { return false } }
            condition = RouteCondition.read(when, isKafka: isKafka, context)
        }

        var integration: String?
        if let toNode = reader.value("to", required: true), let target = toNode.string(diagnostics) {
            checks.targets.insert(target)
            if !checks.integrationNames.isEmpty, !checks.integrationNames.contains(target) {
                var message = "no integration is named"
                if let shown = toNode.displayValue {
                    message += " '\(shown)'"
                    if let close = ConfigReader.closest(to: shown, among: checks.integrationNames.sorted()) {
                        message += " (did you mean '\(close)'?)"
                    }
                }
                diagnostics.error(message, at: toNode)
            }
            integration = target
        }
        reader.finish()

        guard !context.hasErrors(since: mark), let source, let integration else { return nil }
        return RouteConfig(
            name: name ?? defaultName(for: source),
            source: source,
            condition: condition,
            integration: integration,
            position: node.position,
            sourcePosition: sourceNode?.position,
            path: node.path
        )
    }

    /// Reads a route's `from` block: exactly one of `webhook: /path` or `kafka: topic`.
    private static func readSource(_ from: ConfigReader, routePath: String, checks: inout Checks, _ context: ConfigContext)
        -> (RouteSource?, ConfigNode?) {
        let diagnostics = context.diagnostics
        let webhookNode = from.value("webhook")
        let kafkaNode = from.value("kafka")
        from.finish()

        var webhook: String?
        if let webhookNode, let path = webhookNode.string(diagnostics) {
            if !path.hasPrefix("/") {
                diagnostics.error("a webhook path starts with '/', such as /hooks/stripe", at: webhookNode)
            } else if path.contains(where: { $0.isWhitespace || $0 == "?" || $0 == "#" }) {
                diagnostics.error("a webhook path has no spaces, '?' or '#'", at: webhookNode)
            } else if let owner = checks.webhookPaths[path] {
                diagnostics.error("two routes on the same webhook path: \(owner) already receives it", at: webhookNode)
            } else {
                checks.webhookPaths[path] = routePath
                webhook = path
            }
        }
        var topic: String?
        if let kafkaNode, let name = kafkaNode.string(diagnostics) {
            if !isValidTopic(name) {
                diagnostics.error("Kafka topic names use 1 to 249 of a-z, A-Z, 0-9, '.', '_' and '-'", at: kafkaNode)
            } else if !checks.hasKafka {
                diagnostics.error("a kafka route needs the top-level kafka block (brokers, group_id)", at: kafkaNode)
            } else {
                topic = name
            }
        }

        switch (webhookNode, kafkaNode) {
        case (.some, .some(let node)):
            diagnostics.error("set either webhook or kafka, not both", at: node)
            return (nil, nil)
        case (.none, .none):
            diagnostics.error("set webhook (a path) or kafka (a topic)", path: from.path, position: from.position)
            return (nil, nil)
        case (.some(let node), .none):
            return (webhook.map(RouteSource.webhook), node)
        case (.none, .some(let node)):
            return (topic.map(RouteSource.kafka), node)
        }
    }

    private static func isValidTopic(_ name: String) -> Bool {
        (1...249).contains(name.count) && name != "." && name != ".." && name.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": return true
            default: return false
            }
        }
    }
}
