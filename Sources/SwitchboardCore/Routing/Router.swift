/// Finds the route (and so the integration) of an inbound event.
public struct Router: Sendable {
    /// Where a matched event goes.
    public struct Target: Sendable, Equatable {
        /// The route's name (for logs and metrics).
        public var route: String
        /// The integration's name.
        public var integration: String
    }

    private struct KafkaRoute: Sendable {
        var target: Target
        var condition: RouteCondition?
    }

    private var webhooks: [String: Target] = [:]
    private var kafka: [String: [KafkaRoute]] = [:]

    /// Builds the routing table from the configuration's routes (validated: webhook paths are unique).
    public init(routes: [RouteConfig]) {
        for route in routes {
            let target = Target(route: route.name, integration: route.integration)
            switch route.source {
            case .webhook(let path):
                webhooks[Router.normalize(path)] = target
            case .kafka(let topic):
                kafka[topic, default: []].append(KafkaRoute(target: target, condition: route.condition))
            }
        }
    }

    /// Every webhook path that has a route.
    public var webhookPaths: [String] { webhooks.keys.sorted() }

    /// Every Kafka topic that has a route.
    public var kafkaTopics: [String] { kafka.keys.sorted() }

    /// Whether a route reads `topic`.
    public func reads(topic: String) -> Bool {
        kafka[topic] != nil
    }

    /// The route of a webhook request path (a trailing slash is ignored).
    public func webhook(path: String) -> Target? {
        webhooks[Router.normalize(path)]
    }

    /// The first route of `topic` whose condition the event meets.
    public func kafka(topic: String, event: InboundEvent) -> Target? {
        kafka[topic]?.first { $0.condition.map { $0.matches(event) } ?? true }?.target
    }

    static func normalize(_ path: String) -> String {
        var path = path
        if let query = path.unicodeScalars.firstIndex(of: "?") { path = String(path.unicodeScalars[..<query]) }
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return path
    }
}

extension RouteCondition {
    /// Whether `event` meets the condition.
    public func matches(_ event: InboundEvent) -> Bool {
        switch subject {
        case .header(let name):
            return event.headers.first(named: name) == equals
        case .messageKey:
            return event.messageKey.map { String(decoding: $0, as: UTF8.self) } == equals
        case .json(let path):
            guard let document = try? JSONBody.parse(event.body) else { return false }
            return JSONBody.string(at: path, in: document) == equals
        }
    }
}
