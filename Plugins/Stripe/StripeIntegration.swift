import SwitchboardCore

/// Stripe webhooks into live conversations: verifies `Stripe-Signature`, takes the external event id from the
/// event's metadata (the agent put it there, e.g. in a Checkout Session or PaymentIntent), and posts the event.
///
/// ```yaml
/// plugin: stripe
/// options:
///   signing_secret: "${STRIPE_WEBHOOK_SECRET}"          # whsec_…; a list while rolling the secret
///   events: [payment_intent.succeeded, checkout.session.completed]   # optional filter on `type`
///   event_id: { from: json, path: data.object.metadata.cid }        # the default
///   body: { fields: [type, data.object.amount, data.object.status, data.object.metadata.cid] }
///   tolerance: 5m
/// ```
public struct StripeIntegration: Integration {
    /// Where the id is by default: the `cid` metadata key of the event's object.
    public static let defaultEventID = EventIDSelector(source: .json, path: "data.object.metadata.cid")
    /// The sources `event_id.from` may name.
    public static let allowedSources: [EventIDSelector.Source] = [.json, .header, .query]
    /// The header Stripe signs with.
    public static let signatureHeader = "Stripe-Signature"

    /// The shared signed-webhook settings: secrets, timestamp window, id place, body and event filter.
    public var settings: SignedWebhookSettings

    /// Makes the integration.
    public init(
        secrets: SigningSecrets,
        window: TimestampWindow = TimestampWindow(),
        eventID: EventIDSelector = StripeIntegration.defaultEventID,
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

    /// Registers `stripe` in a plugin registry; `clock` is what signed timestamps are checked against.
    public static func register(in registry: inout IntegrationRegistry, clock: any DeliveryClock = SystemDeliveryClock()) {
        registry.register("stripe") { options, _ in StripeIntegration(options: options, clock: clock) }
    }

    /// Checks a `v1` signature over `t.body` against every secret, then the age of `t`.
    public func verify(_ event: InboundEvent) -> Verification {
        guard let value = event.headers.first(named: Self.signatureHeader) else {
            return .rejected(reason: "missing \(Self.signatureHeader) header")
        }
        guard let header = StripeSignatureHeader(value) else {
            return .rejected(reason: "\(Self.signatureHeader) header has no valid timestamp t")
        }
        guard !header.signatures.isEmpty else {
            return .rejected(reason: "\(Self.signatureHeader) header has no v1 signature")
        }
        let signed = Array(header.timestampText.utf8) + [UInt8(ascii: ".")] + event.body
        guard settings.secrets.matches(message: signed, signatures: header.signatures, digest: .sha256) else {
            return .rejected(reason: "Stripe signature matches none of the \(settings.secrets.count) signing secret(s)")
        }
        if let reason = settings.window.rejection(signedAtMillis: header.timestampMillis) {
            return .rejected(reason: "Stripe " + reason)
        }
        return .accepted
    }

    /// One External Event for an event of an accepted type.
    public func map(_ event: InboundEvent) throws(MappingFailure) -> [ExternalEvent] {
        try PluginKit.checkSize(event.body)
        let document = try JSONBody.parse(event.body)
        guard let object = document as? [String: Any] else { throw .badPayload("expected a Stripe event object") }
        guard settings.events.allows(object["type"] as? String) else { return [] }
        let id = try settings.eventID.eventID(in: event, json: document)
        let outgoing = settings.body.outboundJSON(for: event, document: document)
        return [ExternalEvent(
            eventID: id,
            idLocation: settings.eventID.location(posting: settings.body, from: .json),
            body: outgoing.body,
            contentType: outgoing.contentType,
            deliveryID: object["id"] as? String
        )]
    }

    /// The Stripe event id (`evt_…`): Stripe re-sends an event with the same id.
    public func deliveryID(for event: InboundEvent) -> String? {
        guard let document = try? JSONBody.parse(event.body), let id = JSONBody.string(at: "id", in: document) else { return nil }
        return id
    }
}

extension StripeIntegration {
    /// The signature headers `verify(_:)` reads: never written to the journal or a dead letter.
    public var credentialHeaders: [String] { [Self.signatureHeader] }
}
