import Hummingbird
import Logging
import NIOCore
import Synchronization
import SwitchboardCore

/// Answers webhook requests at the HTTP level: finds the route, enforces the listener's limits, reads the body and
/// hands the request to the receiver, which verifies and journals it before it is acknowledged.
public struct WebhookResponder: HTTPResponder {
    public typealias Context = BasicRequestContext

    let receiver: any WebhookReceiver
    let clock: any DeliveryClock
    let logger: Logger
    let intake: WebhookIntake

    /// Answers for `receiver`; `intake` closes on graceful shutdown.
    public init(receiver: any WebhookReceiver, clock: any DeliveryClock, logger: Logger, intake: WebhookIntake = WebhookIntake()) {
        self.receiver = receiver
        self.clock = clock
        self.logger = logger
        self.intake = intake
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        await answer(request)
    }

    /// The answer to one request, which needs no connection: `switchboard test` sends its requests here offline.
    public func answer(_ request: Request) async -> Response {
        let path = request.uri.path
        guard let target = receiver.target(forPath: path) else {
            return Self.response(.error(404, "no route for this path"))
        }
        guard request.method == .post || request.method == .put else {
            var response = Self.response(.error(405, "webhooks are POSTed"))
            response.headers[.allow] = "POST, PUT"
            return response
        }
        guard intake.isOpen else { return Self.response(.unavailable("shutting down")) }
        if let refusal = receiver.refusal(for: target) { return Self.response(refusal) }

        let settings = receiver.settings
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
        return Self.response(await receiver.receive(event, target: target))
    }

    /// The HTTP form of a reply.
    static func response(_ reply: WebhookReply) -> Response {
        var response = Response(status: .init(code: reply.status), body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
        response.headers[.contentType] = reply.contentType
        if let seconds = reply.retryAfterSeconds { response.headers[.retryAfter] = String(seconds) }
        return response
    }

    /// Counts and logs a refusal at the door, and answers it with its status and one-line reason.
    private func refuse(_ refusal: WebhookRefusal, _ target: SwitchboardCore.Router.Target) -> Response {
        refusal.count()
        logger.info("webhook request refused", metadata: [
            LogKey.integration: .string(target.integration), LogKey.route: .string(target.route), LogKey.reason: .string(refusal.reason),
        ])
        return Self.response(.error(refusal.status, refusal.message))
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
