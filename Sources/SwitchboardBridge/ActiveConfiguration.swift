import SwitchboardCore

/// One configuration as events are routed by it: its routes, its integrations with their plugins and lanes, and
/// the webhook limits. A reload swaps it whole, so each event is taken by the old configuration or the new one,
/// never by a mix of both.
public struct ActiveConfiguration: Sendable {
    /// The configuration as loaded.
    public let config: SwitchboardConfig
    /// Its routes.
    public let router: SwitchboardCore.Router
    /// Its integrations' plugins, by name.
    public let integrations: [String: any Integration]
    /// Its integrations' delivery lanes, by name.
    public let lanes: [String: DeliveryLanes]
    /// Where each integration posts, by name.
    public let destinations: [String: PolyAIDestination]
    /// The configuration's hash (the file and every file it includes), as `/readyz` shows it.
    public let hash: String
    /// The Kafka topics routed to each integration (paused together while its circuit holds events).
    let topicsByIntegration: [String: Set<String>]
    /// Integrations ordering Kafka events by the message key.
    let orderedByMessageKey: Set<String>

    init(
        config: SwitchboardConfig, integrations: [String: any Integration], lanes: [String: DeliveryLanes],
        destinations: [String: PolyAIDestination], hash: String
    ) {
        self.config = config
        self.router = SwitchboardCore.Router(routes: config.routes)
        self.integrations = integrations
        self.lanes = lanes
        self.destinations = destinations
        self.hash = hash
        var topics: [String: Set<String>] = [:]
        for route in config.routes {
            if case .kafka(let topic) = route.source { topics[route.integration, default: []].insert(topic) }
        }
        self.topicsByIntegration = topics
        self.orderedByMessageKey = Set(config.integrations.filter { $0.orderingKey == "message_key" }.map(\.name))
    }

    /// The Kafka topics consumed: every routed topic, and `webhook.topic` when webhooks are journalled into Kafka.
    var consumedTopics: [String] {
        router.kafkaTopics + (config.webhook.journal == .kafka ? [config.webhook.topic] : [])
    }
}
