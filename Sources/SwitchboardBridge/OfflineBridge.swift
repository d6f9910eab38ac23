import Logging
import SwitchboardCore
import SwitchboardHTTP

/// Switchboard without its network, journal or destination: a request or message goes through the same routes,
/// listener checks, integrations and replies as in `run`, and comes back as what would happen to it.
///
/// ```swift
/// let bridge = OfflineBridge(config: config, integrations: integrations, clock: ManualClock(startMillis: now))
/// let outcome = await bridge.send(OfflineWebhookRequest(target: "/hooks/bookings", body: Array(#"{"cid":"evt_1"}"#.utf8)))
/// outcome.reply?.status   // 202
/// outcome.events          // the External Events it becomes
/// ```
public struct OfflineBridge: Sendable {
    private let config: SwitchboardConfig
    private let integrations: [String: any Integration]
    private let routes: SwitchboardCore.Router
    private let clock: any DeliveryClock
    private let orderByMessageKey: Set<String>

    /// Takes events for `config`, with its `integrations` built by the plugin registry and `clock` as now.
    public init(config: SwitchboardConfig, integrations: [String: any Integration], clock: any DeliveryClock) {
        self.config = config
        self.integrations = integrations
        self.routes = SwitchboardCore.Router(routes: config.routes)
        self.clock = clock
        self.orderByMessageKey = Set(config.integrations.filter { $0.orderingKey == "message_key" }.map(\.name))
    }

    /// What the webhook listener answers `request` and what becomes of it.
    public func send(_ request: OfflineWebhookRequest) async throws(WebhookResponder.UnsendableRequest) -> OfflineOutcome {
        let receiver = OfflineReceiver(routes: routes, settings: config.webhook, integrations: integrations)
        let quiet = Logger(label: "switchboard.test") { _ in SwiftLogNoOpLogHandler() }
        let responder = WebhookResponder(receiver: receiver, clock: clock, logger: quiet)
        let reply = try await responder.answer(
            method: request.method, scheme: request.scheme, authority: request.authority, target: request.target,
            headers: request.headers, body: request.body
        )
        var outcome = receiver.outcome
        outcome.reply = reply
        if outcome.route == nil {
            outcome.note = routes.webhook(path: request.target) == nil
                ? "no route serves this path" + (routes.webhookPaths.isEmpty ? "" : " (paths: \(routes.webhookPaths.joined(separator: ", ")))")
                : "the listener refused the request before any integration saw it"
        }
        return outcome
    }

    /// What becomes of `message` on the Kafka consumer (which replies to nobody and verifies nothing).
    public func send(_ message: OfflineKafkaMessage) -> OfflineOutcome {
        var outcome = OfflineOutcome()
        var event = InboundEvent(
            source: .kafka(topic: message.topic, partition: 0, offset: 0),
            route: "",
            headers: message.headers,
            body: message.value,
            messageKey: message.key,
            receivedAtMillis: clock.nowMillis()
        )
        guard let target = routes.kafka(topic: message.topic, event: event) else {
            outcome.note = routes.kafkaTopics.contains(message.topic)
                ? "no route of topic '\(message.topic)' takes this message (its when: conditions do not match)"
                : "no route reads topic '\(message.topic)'" + (routes.kafkaTopics.isEmpty ? "" : " (topics: \(routes.kafkaTopics.joined(separator: ", ")))")
            return outcome
        }
        event.route = target.route
        outcome.route = target.route
        outcome.integration = target.integration
        guard let integration = integrations[target.integration] else {
            outcome.deadLetter = MappingFailure(reason: "no_integration", message: "integration '\(target.integration)' is not configured")
            return outcome
        }
        do {
            outcome.events = try KafkaSource.externalEvents(
                of: event, mappedBy: integration, orderedByMessageKey: orderByMessageKey.contains(target.integration)
            )
        } catch {
            outcome.deadLetter = error
        }
        return outcome
    }
}
