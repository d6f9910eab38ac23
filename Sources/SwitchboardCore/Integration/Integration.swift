/// An integration turns one inbound event into the External Events it stands for.
///
/// Each integration instance is built from its own YAML block and holds its own PolyAI key (the key lives with the
/// delivery side, never with the plugin). A provider plugin verifies the provider's signature in `verify(_:)` and
/// shapes the reply the provider expects in `acknowledgement(for:)`:
///
/// ```swift
/// struct Acme: Integration {
///     func map(_ event: InboundEvent) throws(MappingFailure) -> [ExternalEvent] {
///         guard let id = JSONValue.parse(event.body)?["cid"]?.stringValue else { throw .noEventID("cid") }
///         return [ExternalEvent(eventID: id, idLocation: .payload("cid"), body: event.body, contentType: "application/json")]
///     }
/// }
/// ```
public protocol Integration: Sendable {
    /// Checks that the request really comes from the provider (signatures, allow-lists). Runs before journalling.
    func verify(_ event: InboundEvent) -> Verification
    /// Maps an inbound event to zero or more External Events.
    func map(_ event: InboundEvent) throws(MappingFailure) -> [ExternalEvent]
    /// The HTTP reply the provider expects once the event is journalled; `nil` for Switchboard's default `202`.
    func acknowledgement(for event: InboundEvent) -> WebhookReply?
    /// The provider's own id of this delivery (Stripe event id, HubSpot eventId, Twilio MessageSid…): a re-send
    /// with an id delivered within the dedup window is acknowledged and not posted again. `nil` when unknown.
    func deliveryID(for event: InboundEvent) -> String?
    /// Header names (any case) that carry this integration's signatures or tokens: read by `verify(_:)`, never
    /// written to the journal or a dead letter. `CredentialHeaders.always` are dropped for every integration.
    var credentialHeaders: [String] { get }
    /// Header names `map(_:)` needs after a restart even when they are credentials (a header that carries the id).
    var headersKeptAtRest: [String] { get }
    /// `verify(_:)` from async code (the webhook listener). A plugin whose calls may take long (an interpreted
    /// module) runs them on threads of its own, so a slow call holds up no other work.
    func verified(_ event: InboundEvent) async -> Verification
    /// `map(_:)` from async code (the webhook pipeline); see `verified(_:)`.
    func mapped(_ event: InboundEvent) async throws(MappingFailure) -> [ExternalEvent]
}

extension Integration {
    /// Accepts every request.
    public func verify(_ event: InboundEvent) -> Verification { .accepted }
    /// Switchboard's default reply.
    public func acknowledgement(for event: InboundEvent) -> WebhookReply? { nil }
    /// No provider delivery id.
    public func deliveryID(for event: InboundEvent) -> String? { nil }
    /// No signature headers beyond `CredentialHeaders.always`.
    public var credentialHeaders: [String] { [] }
    /// No header needed at rest beyond what is stored anyway.
    public var headersKeptAtRest: [String] { [] }
    /// Native plugins take microseconds: verified on the caller's thread.
    public func verified(_ event: InboundEvent) async -> Verification {
        verify(event)
    }

    /// Native plugins take microseconds: mapped on the caller's thread.
    public func mapped(_ event: InboundEvent) async throws(MappingFailure) -> [ExternalEvent] {
        try map(event)
    }
}

/// The result of checking an inbound request.
public enum Verification: Sendable, Equatable {
    /// The request is genuine.
    case accepted
    /// The request is refused; the reason is logged and counted, never sent to the caller.
    case rejected(reason: String)
}

/// A reply to a webhook caller.
public struct WebhookReply: Sendable, Equatable {
    /// The HTTP status.
    public var status: Int
    /// The content type of `body`.
    public var contentType: String
    /// The body.
    public var body: [UInt8]
    /// Seconds for `Retry-After`, when the caller should come back later.
    public var retryAfterSeconds: Int?

    /// Makes a reply.
    public init(status: Int, contentType: String, body: [UInt8], retryAfterSeconds: Int? = nil) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.retryAfterSeconds = retryAfterSeconds
    }
}

/// Why an integration could not map an event: the event is dead-lettered with this reason.
public struct MappingFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable reason code (`no_event_id`, `bad_payload`).
    public var reason: String
    /// What exactly was wrong, for the dead letter and the log (never a secret).
    public var message: String

    /// Makes a failure.
    public init(reason: String, message: String) {
        self.reason = reason
        self.message = message
    }

    /// The event carries no external event id at the configured place.
    public static func noEventID(_ place: String) -> MappingFailure {
        MappingFailure(reason: DeadLetterReason.noEventID.rawValue, message: "no external event id at \(place)")
    }

    /// The body could not be read as the integration expects.
    public static func badPayload(_ message: String) -> MappingFailure {
        MappingFailure(reason: DeadLetterReason.badPayload.rawValue, message: message)
    }

    public var description: String { "\(reason): \(message)" }
}
