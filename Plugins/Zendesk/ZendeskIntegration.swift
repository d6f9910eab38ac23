import SwitchboardCore

/// Zendesk webhooks into live conversations: verifies `X-Zendesk-Webhook-Signature` (base64 HMAC-SHA256 of the
/// signature timestamp followed by the body), and takes the id from the event (by default `detail.external_id`).
///
/// ```yaml
/// plugin: zendesk
/// options:
///   signing_secret: "${ZENDESK_WEBHOOK_SECRET}"   # the webhook's signing secret; a list during rotation
///   events: [zen:event-type:user.external_id_changed]   # optional filter on `type`
///   event_id: { from: json, path: detail.external_id }  # the default
/// ```
public struct ZendeskIntegration: Integration {
    /// Where the id is by default.
    public static let defaultEventID = EventIDSelector(source: .json, path: "detail.external_id")
    /// The sources `event_id.from` may name.
    public static let allowedSources: [EventIDSelector.Source] = [.json, .header, .query]
    /// The signature header.
    public static let signatureHeader = "X-Zendesk-Webhook-Signature"
    /// The signed timestamp header (ISO 8601, such as `2024-05-01T12:00:00Z`).
    public static let timestampHeader = "X-Zendesk-Webhook-Signature-Timestamp"
    /// The id of one invocation (not signed, so not used for dedup).
    public static let invocationHeader = "X-Zendesk-Webhook-Invocation-Id"

    /// The shared signed-webhook settings: secrets, timestamp window, id place, body and event filter.
    public var settings: SignedWebhookSettings

    /// Makes the integration.
    public init(
        secrets: SigningSecrets,
        window: TimestampWindow = TimestampWindow(),
        eventID: EventIDSelector = ZendeskIntegration.defaultEventID,
        body: BodySelector = .passthrough,
        events: EventTypeFilter = EventTypeFilter()
    ) {
        self.init(SignedWebhookSettings(secrets: secrets, window: window, eventID: eventID, body: body, events: events))
    }

    /// Makes the integration from the shared signed-webhook settings.
    init(_ settings: SignedWebhookSettings) {
        self.settings = settings
    }

    /// Reads the `options:` block strictly; nil (with issues reported) when it is wrong.
    public init?(options: ConfigReader, clock: any DeliveryClock = SystemDeliveryClock()) {
        guard let settings = SignedWebhookSettings.read(
            options, clock: clock, defaultEventID: Self.defaultEventID, allowedSources: Self.allowedSources
        ) else { return nil }
        self.init(settings)
    }

    /// Registers `zendesk` in a plugin registry; `clock` is what signed timestamps are checked against.
    public static func register(in registry: inout IntegrationRegistry, clock: any DeliveryClock = SystemDeliveryClock()) {
        registry.register("zendesk") { options, _ in ZendeskIntegration(options: options, clock: clock) }
    }

    /// Checks the signature over timestamp + body against every secret, then the timestamp's age.
    public func verify(_ event: InboundEvent) -> Verification {
        guard let signature = event.headers.first(named: Self.signatureHeader) else {
            return .rejected(reason: "missing \(Self.signatureHeader) header")
        }
        guard let timestamp = event.headers.first(named: Self.timestampHeader) else {
            return .rejected(reason: "missing \(Self.timestampHeader) header")
        }
        guard let signedAt = Timestamps.iso8601(timestamp) ?? Timestamps.unixSeconds(timestamp) else {
            return .rejected(reason: "\(Self.timestampHeader) is not an ISO 8601 time")
        }
        guard let given = SignatureText.base64(signature), !given.isEmpty else {
            return .rejected(reason: "\(Self.signatureHeader) is not base64")
        }
        let signed = Array(timestamp.utf8) + event.body
        guard settings.secrets.matches(message: signed, signatures: [given], digest: .sha256) else {
            return .rejected(reason: "Zendesk signature matches none of the \(settings.secrets.count) signing secret(s)")
        }
        if let reason = settings.window.rejection(signedAtMillis: signedAt) {
            return .rejected(reason: "Zendesk " + reason)
        }
        return .accepted
    }

    /// One External Event for an event of an accepted type.
    public func map(_ event: InboundEvent) throws(MappingFailure) -> [ExternalEvent] {
        try PluginKit.checkSize(event.body)
        let needsJSON = settings.eventID.source == .json || settings.body != .passthrough || settings.events.types != nil
        let document: Any? = needsJSON ? try JSONBody.parse(event.body) : nil
        if settings.events.types != nil {
            guard settings.events.allows(document.flatMap { JSONBody.string(at: "type", in: $0) }) else { return [] }
        }
        let id = try settings.eventID.eventID(in: event, json: document)
        let outgoing = settings.body.outboundJSON(for: event, document: document)
        return [ExternalEvent(
            eventID: id,
            idLocation: settings.eventID.location(posting: settings.body, from: .json),
            body: outgoing.body,
            contentType: outgoing.contentType,
            deliveryID: deliveryID(for: event)
        )]
    }

    /// A fingerprint of what the signature covers, the signed timestamp and the body: a re-sent request repeats it,
    /// while the unsigned `X-Zendesk-Webhook-Invocation-Id` could be changed by anyone replaying a captured request.
    public func deliveryID(for event: InboundEvent) -> String? {
        guard let timestamp = event.headers.first(named: Self.timestampHeader) else { return nil }
        return PluginKit.fingerprint("zendesk", of: Array(timestamp.utf8) + event.body)
    }
}

extension ZendeskIntegration {
    /// The signature headers `verify(_:)` reads: never written to the journal or a dead letter.
    public var credentialHeaders: [String] { [Self.signatureHeader] }
}
