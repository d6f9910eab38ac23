import SwitchboardCore

/// HubSpot webhooks into live conversations: verifies signature v3, splits the batch (a JSON array of events)
/// into one External Event per event, and takes each id from the event (by default `propertyValue`: subscribe to
/// changes of the contact property the agent's id is written to).
///
/// ```yaml
/// plugin: hubspot
/// options:
///   signing_secret: "${HUBSPOT_CLIENT_SECRET}"   # the app's client secret; a list during rotation
///   public_url: https://hooks.example.com/hooks/hubspot   # when behind a proxy: the URL HubSpot calls
///   events: [contact.propertyChange]             # optional filter on subscriptionType
///   property_name: polyai_cid                    # optional: only changes of this property
///   event_id: { from: json, path: propertyValue }  # relative to each event (the default)
/// ```
public struct HubSpotIntegration: Integration {
    /// Where the id is by default, relative to each event of the batch.
    public static let defaultEventID = EventIDSelector(source: .json, path: "propertyValue")
    /// The sources `event_id.from` may name.
    public static let allowedSources: [EventIDSelector.Source] = [.json, .header, .query]
    /// The v3 signature header.
    public static let signatureHeader = "X-HubSpot-Signature-v3"
    /// The signing time header, in milliseconds since 1970.
    public static let timestampHeader = "X-HubSpot-Request-Timestamp"

    /// The shared signed-webhook settings: secrets, timestamp window, id place, body and event filter.
    public var settings: SignedWebhookSettings
    /// When set, only events whose `propertyName` is this are passed on.
    public var propertyName: String?
    /// The URL HubSpot signs.
    public var publicURL: PublicURL

    /// Makes the integration.
    public init(
        secrets: SigningSecrets,
        window: TimestampWindow = TimestampWindow(),
        eventID: EventIDSelector = HubSpotIntegration.defaultEventID,
        body: BodySelector = .passthrough,
        events: EventTypeFilter = EventTypeFilter(),
        propertyName: String? = nil,
        publicURL: PublicURL = PublicURL()
    ) {
        self.init(
            SignedWebhookSettings(secrets: secrets, window: window, eventID: eventID, body: body, events: events),
            propertyName: propertyName, publicURL: publicURL
        )
    }

    /// Makes the integration from the shared signed-webhook settings.
    init(_ settings: SignedWebhookSettings, propertyName: String?, publicURL: PublicURL) {
        self.settings = settings
        self.propertyName = propertyName
        self.publicURL = publicURL
    }

    /// Reads the `options:` block strictly; nil (with issues reported) when it is wrong.
    public init?(options: ConfigReader, clock: any DeliveryClock = SystemDeliveryClock()) {
        let errorsBefore = options.diagnostics.errorCount
        let settings = SignedWebhookSettings.read(
            options, clock: clock, defaultEventID: Self.defaultEventID, allowedSources: Self.allowedSources, secretName: "client secret"
        )
        let propertyName = options.string("property_name")
        if let node = options.value("property_name"), propertyName?.isEmpty == true {
            options.diagnostics.error("must not be empty", at: node)
        }
        let publicURL = PublicURL.read(options)
        guard options.diagnostics.errorCount == errorsBefore, let settings, let publicURL else { return nil }
        self.init(settings, propertyName: propertyName, publicURL: publicURL)
    }

    /// Registers `hubspot` in a plugin registry; `clock` is what signed timestamps are checked against.
    public static func register(in registry: inout IntegrationRegistry, clock: any DeliveryClock = SystemDeliveryClock()) {
        registry.register("hubspot") { options, _ in HubSpotIntegration(options: options, clock: clock) }
    }

    /// Checks the v3 signature over POST + signed URI + body + timestamp, then the timestamp's age.
    public func verify(_ event: InboundEvent) -> Verification {
        guard let signature = event.headers.first(named: Self.signatureHeader) else {
            return .rejected(reason: "missing \(Self.signatureHeader) header")
        }
        guard let timestamp = event.headers.first(named: Self.timestampHeader) else {
            return .rejected(reason: "missing \(Self.timestampHeader) header")
        }
        guard let signedAt = Timestamps.unixMillis(timestamp) else {
            return .rejected(reason: "\(Self.timestampHeader) is not a time in milliseconds")
        }
        guard let given = SignatureText.base64(signature), !given.isEmpty else {
            return .rejected(reason: "\(Self.signatureHeader) is not base64")
        }
        guard let url = publicURL.signedURL(for: event) else {
            return .rejected(reason: "the request URL is unknown (no Host header); set options.public_url")
        }
        // HubSpot sends its webhooks with POST; the core answers only POST and PUT.
        let matched = HubSpotSignedURI.candidates(for: url).contains { uri in
            let signed = Array("POST".utf8) + Array(uri.utf8) + event.body + Array(timestamp.utf8)
            return settings.secrets.matches(message: signed, signatures: [given], digest: .sha256)
        }
        guard matched else {
            return .rejected(reason: "HubSpot v3 signature matches none of the \(settings.secrets.count) client secret(s) for the signed URL (check options.public_url)")
        }
        if let reason = settings.window.rejection(signedAtMillis: signedAt) {
            return .rejected(reason: "HubSpot " + reason)
        }
        return .accepted
    }

    /// One External Event per event of the batch that passes the filters.
    public func map(_ event: InboundEvent) throws(MappingFailure) -> [ExternalEvent] {
        try PluginKit.checkSize(event.body)
        let batch = try Self.batch(event.body)
        var out: [ExternalEvent] = []
        out.reserveCapacity(batch.count)
        let location = settings.eventID.location(posting: settings.body, from: .json)
        for (index, element) in batch.enumerated() {
            guard let object = element as? [String: Any] else { throw .badPayload("HubSpot event \(index) is not an object") }
            guard settings.events.allows(object["subscriptionType"] as? String) else { continue }
            if let propertyName, (object["propertyName"] as? String) != propertyName { continue }
            let id: String
            do {
                id = try settings.eventID.eventID(in: event, json: object)
            } catch {
                throw MappingFailure(reason: error.reason, message: "HubSpot event \(index): \(error.message)")
            }
            out.append(ExternalEvent(
                eventID: id,
                idLocation: location,
                body: settings.body.json(from: object),
                contentType: BodyKind.json.contentType,
                deliveryID: JSONBody.string(at: "eventId", in: object)
            ))
        }
        return out
    }

    /// The eventIds of the batch, joined with commas: HubSpot re-sends a failed batch as it was.
    public func deliveryID(for event: InboundEvent) -> String? {
        guard let batch = try? Self.batch(event.body) else { return nil }
        let ids = batch.compactMap { JSONBody.string(at: "eventId", in: $0) }
        return ids.count == batch.count && !ids.isEmpty ? ids.joined(separator: ",") : nil
    }

    /// The events of a body: a JSON array of events, or a single event object (workflow webhooks).
    static func batch(_ body: [UInt8]) throws(MappingFailure) -> [Any] {
        let document = try JSONBody.parse(body)
        let batch: [Any]
        if let list = document as? [Any] {
            batch = list
        } else if document is [String: Any] {
            batch = [document]
        } else {
            throw .badPayload("expected a JSON array of HubSpot events")
        }
        guard batch.count <= PluginKit.maxBatchEvents else {
            throw .badPayload("batch of \(batch.count) events is larger than \(PluginKit.maxBatchEvents)")
        }
        return batch
    }
}

extension HubSpotIntegration {
    /// The signature headers `verify(_:)` reads: never written to the journal or a dead letter.
    public var credentialHeaders: [String] { [Self.signatureHeader, "X-HubSpot-Signature"] }
}
