import SwitchboardCore

/// What Switchboard would do with one request or message: the reply the caller gets, the External Events it
/// would post, or the dead letter it would write.
public struct OfflineOutcome: Sendable {
    /// The HTTP reply of a webhook request; nil for a Kafka message.
    public var reply: WebhookReply?
    /// The External Events it becomes, in order (none when refused or dead-lettered).
    public var events: [ExternalEvent] = []
    /// The dead letter reason (`no_event_id`, `bad_payload`) and its message, when mapping failed.
    public var deadLetter: MappingFailure?
    /// Why the integration refused the request (logged, never sent to the caller), when it did.
    public var rejection: String?
    /// The route that took it; nil when none did.
    public var route: String?
    /// The integration the route leads to.
    public var integration: String?
    /// The URL the integration saw the request at (what URL signatures are checked against).
    public var requestURL: String?
    /// Why nothing reached an integration (no route, a refusal at the listener), for people reading a failure.
    public var note: String?

    /// An empty outcome.
    public init() {}
}
