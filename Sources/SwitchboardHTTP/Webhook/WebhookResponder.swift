import Hummingbird
import Logging
import NIOCore
import Synchronization
import SwitchboardCore
import SwitchboardStore

/// Answers webhook requests: finds the route, lets the integration verify the request, journals the event durably,
/// and only then acknowledges (`202`, or the reply the provider expects).
public struct WebhookResponder: HTTPResponder {
    public typealias Context = BasicRequestContext

    let routes: SwitchboardCore.Router
    let pipeline: WebhookPipeline
    let journal: Journal
    let settings: WebhookConfig
    let clock: any DeliveryClock
    let logger: Logger
    let intake: WebhookIntake

    public func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        guard let target = routes.webhook(path: path) else {
            return Self.json(.notFound, #"{"error":"no route for this path"}"#)
        }
        guard request.method == .post || request.method == .put else {
            var response = Self.json(.methodNotAllowed, #"{"error":"webhooks are POSTed"}"#)
            response.headers[.allow] = "POST, PUT"
            return response
        }
        guard intake.isOpen else { return Self.unavailable("shutting down") }
        guard let integration = pipeline.integration(named: target.integration) else {
            return Self.json(.internalServerError, #"{"error":"route has no integration"}"#)
        }

        if let refusal = WebhookLimits.checkHead(request, settings: settings) { return refuse(refusal, target) }
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > settings.maxBodyBytes {
            return refuse(.bodyTooLarge(limit: settings.maxBodyBytes), target)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: settings.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            return refuse(.bodyTooLarge(limit: settings.maxBodyBytes), target)
        } catch {
            return refuse(.unreadableBody, target)
        }

        var headers: [Header] = []
        headers.reserveCapacity(request.headers.count)
        for field in request.headers { headers.append(Header(field.name.canonicalName, field.value)) }
        let event = InboundEvent(
            source: .webhook(path: path),
            route: target.route,
            headers: headers,
            query: request.uri.query.map { FormBody.parse(Substring($0)) } ?? [],
            body: Array(buffer: body),
            receivedAtMillis: clock.nowMillis(),
            requestURL: RequestURL.rebuild(request, trustForwardedHeaders: settings.trustForwardedHeaders, scheme: settings.tls == nil ? "http" : "https"),
            method: request.method.rawValue
        )
        if let refusal = WebhookLimits.checkBody(of: event, settings: settings) { return refuse(refusal, target) }

        let metrics = IntegrationMetrics.named(target.integration)
        if case .rejected(let reason) = integration.verify(event) {
            metrics.webhookRejections.increment()
            logger.warning("webhook request rejected", metadata: [
                LogKey.integration: .string(target.integration), LogKey.route: .string(target.route), LogKey.error: .string(reason),
            ])
            return Self.json(.unauthorized, #"{"error":"request could not be verified"}"#)
        }

        let identity = pipeline.identity(of: event, integration: target.integration)
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
                return Self.unavailable("the same delivery is being journalled")
            }
        }

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
            case .full: return Self.unavailable("journal full")
            case .diskFull: return Self.unavailable("journal disk full")
            default: return Self.unavailable("journal unavailable")
            }
        }
        if let identity { pipeline.journalled(identity) }
        metrics.received.increment()
        await pipeline.process(entryID: entryID, event: event, integration: target.integration, identity: identity)
        return Self.acknowledge(integration, event, entry: entryID)
    }

    /// The provider's expected reply, or Switchboard's `202`.
    static func acknowledge(_ integration: any Integration, _ event: InboundEvent, entry: Int64?) -> Response {

        if let reply = integration.acknowledgement(for: event) {
            var response = Response(status: .init(code: reply.status), body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
            response.headers[.contentType] = reply.contentType
            return response
        }
        guard let entry else { return json(.ok, #"{"status":"duplicate"}"#) }
        return json(.accepted, #"{"status":"accepted","entry":\#(entry)}"#)
    }

    static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        var response = Response(status: status, body: .init(byteBuffer: ByteBuffer(string: text)))
        response.headers[.contentType] = "application/json"
        return response
    }

    /// Counts and logs a refusal at the door, and answers it with its status and one-line reason.
    private func refuse(_ refusal: WebhookRefusal, _ target: SwitchboardCore.Router.Target) -> Response {
        refusal.count()
        logger.info("webhook request refused", metadata: [
            LogKey.integration: .string(target.integration), LogKey.route: .string(target.route), LogKey.reason: .string(refusal.reason),
        ])
        return Self.json(.init(code: refusal.status), #"{"error":"\#(TextEscaping.json(refusal.message))"}"#)
    }

    static func unavailable(_ why: String) -> Response {
        var response = json(.serviceUnavailable, #"{"error":"\#(why), retry later"}"#)
        response.headers[.retryAfter] = "5"
        return response
    }
}

/// Whether the webhook listener still takes new events (closed while shutting down).
public final class WebhookIntake: Sendable {
    private let open = Atomic<Bool>(true)

    /// An open intake.
    public init() {}

    /// Whether new events are taken.
    public var isOpen: Bool { open.load(ordering: .relaxed) }

    /// Refuses new events from now on (callers get `503` with `Retry-After`).
    public func close() { open.store(false, ordering: .relaxed) }
}
