import Logging
import Tracing
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardStore

/// Takes webhook requests into the embedded journal (`webhook.journal: sqlite`): the integration verifies the request,
/// a provider re-send is recognised by its delivery id, the event is journalled durably, and only then acknowledged
/// (`202`, or the reply the provider expects) and queued for delivery.
struct JournallingReceiver: WebhookReceiver {
    let live: LiveConfiguration
    let pipeline: WebhookPipeline
    let journal: Journal
    let logger: Logger
    /// Records the receive and journal spans when `tracing:` is configured.
    var tracer: SwitchboardTracer? = nil

    var settings: WebhookConfig { live.current.config.webhook }

    func target(forPath path: String) -> SwitchboardCore.Router.Target? {
        live.current.router.webhook(path: path)
    }

    func refusal(for target: SwitchboardCore.Router.Target) -> WebhookReply? {
        live.current.integrations[target.integration] == nil ? Self.reloaded : nil
    }

    /// The answer when a reload removed the route's integration between reading the path and taking the request.
    static let reloaded = WebhookReply.unavailable("the configuration was just reloaded")

    func receive(_ event: InboundEvent, target: SwitchboardCore.Router.Target) async -> WebhookReply {
        await Self.traced(event, target: target, tracer: tracer) { span in await take(event, target: target, span: span) }
    }

    /// Runs `take` under a `webhook.receive` span continuing the caller's trace (when tracing is on), and ends it
    /// with the reply's status.
    static func traced(
        _ event: InboundEvent, target: SwitchboardCore.Router.Target, tracer: SwitchboardTracer?,
        _ take: (SwitchboardSpan?) async -> WebhookReply
    ) async -> WebhookReply {
        guard let tracer else { return await take(nil) }
        let span = tracer.startSpan("webhook.receive", parent: event.trace, ofKind: .server)
        span.attributes["http.route"] = target.route
        span.attributes["switchboard.integration"] = target.integration
        let reply = await take(span)
        span.attributes["http.response.status_code"] = reply.status
        if reply.status >= 500 { span.setStatus(SpanStatus(code: .error, message: "HTTP \(reply.status)")) }
        span.end()
        return reply
    }

    private func take(_ event: InboundEvent, target: SwitchboardCore.Router.Target, span: SwitchboardSpan?) async -> WebhookReply {
        let configuration = live.current
        guard let integration = configuration.integrations[target.integration] else { return Self.reloaded }
        let metrics = IntegrationMetrics.named(target.integration)
        if let reply = await Self.rejection(of: event, by: integration, target: target, logger: logger) { return reply }

        let identity = pipeline.identity(of: event, integration: target.integration, plugin: integration)
        if let identity {
            switch pipeline.claim(identity) {
            case .new:
                break
            case .duplicate:
                metrics.duplicates.increment()
                logger.info("provider re-send acknowledged, not posted again", metadata: [
                    LogKey.integration: .string(target.integration), LogKey.route: .string(target.route),
                ])
                return Self.acknowledge(integration, event, entry: nil)
            case .underWay:
                // The first copy is not durable yet: acknowledging this one could lose the event if that fails.
                return .unavailable("the same delivery is being journalled")
            }
        }

        // Journalled with its trace (the receive span's, the caller's, or a new one), so it survives a restart.
        let event = event.tracing(under: span?.trace)
        let journalSpan = tracer?.startSpan("journal.append", parent: span?.trace, ofKind: .internal)
        defer { journalSpan?.end() }
        let entryID: Int64
        do {
            entryID = try await journal.append(NewJournalEntry(
                integration: target.integration, route: target.route, receivedAtMillis: event.receivedAtMillis,
                metadata: InboundEventCodec.encodeMetadata(event.storable(for: integration)), body: event.body
            ))
        } catch {
            if let identity { pipeline.release(identity) }
            WebhookPipeline.appendErrors.increment()
            logger.warning("webhook not journalled", metadata: [LogKey.integration: .string(target.integration), LogKey.error: .string(error.description)])
            // A full journal or disk clears by itself (outcomes free room, space returns): the provider retries.
            switch error.code {
            case .full: return .unavailable("journal full")
            case .diskFull: return .unavailable("journal disk full")
            default: return .unavailable("journal unavailable")
            }
        }
        if let identity { pipeline.journalled(identity) }
        metrics.received.increment()
        pipeline.tap.publish(EventTap.Entry(atMillis: event.receivedAtMillis, integration: target.integration, route: target.route, stage: .received, body: event.body))
        await pipeline.process(entryID: entryID, event: event, integration: target.integration, identity: identity, configuration: configuration)
        return Self.acknowledge(integration, event, entry: entryID)
    }

    /// `401` when `integration` does not verify the request, counted and logged with the reason (the reply says
    /// nothing more).
    static func rejection(of event: InboundEvent, by integration: any Integration, target: SwitchboardCore.Router.Target, logger: Logger) async -> WebhookReply? {
        guard let (reply, reason) = await refusal(of: event, by: integration) else { return nil }
        IntegrationMetrics.named(target.integration).webhookRejections.increment()
        logger.warning("webhook request rejected", metadata: [
            LogKey.integration: .string(target.integration), LogKey.route: .string(target.route), LogKey.error: .string(reason),
        ])
        return reply
    }

    /// `401` with no detail when `integration` does not verify the request, with the reason (for the log only).
    static func refusal(of event: InboundEvent, by integration: any Integration) async -> (reply: WebhookReply, reason: String)? {
        guard case .rejected(let reason) = await integration.verified(event) else { return nil }
        return (.error(401, "request could not be verified"), reason)
    }

    /// The provider's expected reply, or Switchboard's `202` (`200` for a re-send already taken).
    static func acknowledge(_ integration: any Integration, _ event: InboundEvent, entry: Int64?) -> WebhookReply {
        if let reply = integration.acknowledgement(for: event) { return reply }
        guard let entry else { return .json(200, #"{"status":"duplicate"}"#) }
        return .json(202, #"{"status":"accepted","entry":\#(entry)}"#)
    }
}
