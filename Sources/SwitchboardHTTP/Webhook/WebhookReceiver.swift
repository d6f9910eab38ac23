import SwitchboardCore

/// What takes the webhook requests the listener has read and checked against its limits: the bridge journals
/// them and queues their deliveries. The listener knows HTTP; the receiver knows routes, integrations and the journal.
public protocol WebhookReceiver: Sendable {
    /// The route serving `path`, if any (read for every request, so a reloaded configuration applies at once).
    func target(forPath path: String) -> Router.Target?
    /// The listener's limits now in force (`webhook:`).
    var settings: WebhookConfig { get }
    /// The answer for a request to `target` that cannot be taken now (no such integration), read before the body.
    func refusal(for target: Router.Target) -> WebhookReply?
    /// Verifies, deduplicates, journals and queues one request, then answers it.
    func receive(_ event: InboundEvent, target: Router.Target) async -> WebhookReply
}

extension WebhookReply {
    /// A JSON reply; `text` is sent as it is.
    public static func json(_ status: Int, _ text: String) -> WebhookReply {
        WebhookReply(status: status, contentType: "application/json", body: Array(text.utf8))
    }

    /// `{"error": message}` with `status`.
    public static func error(_ status: Int, _ message: String) -> WebhookReply {
        json(status, #"{"error":"\#(TextEscaping.json(message))"}"#)
    }

    /// `503` with `Retry-After: 5`: a condition that clears by itself (shutting down, journal full, disk full).
    public static func unavailable(_ why: String) -> WebhookReply {
        var reply = error(503, "\(why), retry later")
        reply.retryAfterSeconds = 5
        return reply
    }
}
