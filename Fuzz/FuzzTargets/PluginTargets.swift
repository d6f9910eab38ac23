import HubSpot
import Mapping
import Salesforce
import Stripe
import SwitchboardCore
import Twilio
import Zendesk

/// One plugin under fuzz: its configuration variants, built once from YAML through a registry of every plugin.
///
/// Properties, for every request: `verify`, `deliveryID`, `acknowledgement` and `map` return; every id `map`
/// gives is a valid external event id; a request the harness signed correctly is accepted; and `map` gives the same
/// result after the event went through the journal (credential headers dropped, `InboundEventCodec` round trip),
/// as it does after a restart.
struct PluginTarget: Sendable {
    /// One configuration of the plugin and how to sign a request for it.
    struct Variant: Sendable {
        /// The integration as the YAML builds it.
        var integration: any Integration
        /// Signs the request as the provider would; returns whether `verify` must then accept it.
        var sign: @Sendable (_ request: inout FuzzRequest, _ path: String) -> Bool
    }

    /// The plugin name, also the target name.
    var name: String
    /// The configurations, chosen by the request's variant bits.
    var variants: [Variant]

    /// Runs one request.
    func run(_ bytes: [UInt8]) {
        var request = FuzzRequest(bytes)
        let variant = variants[request.variant % variants.count]
        let path = "/hooks/\(name)"
        let mustAccept = request.signs && variant.sign(&request, path)
        let event = request.event(path: path, receivedAtMillis: PluginSecrets.nowMillis)
        let integration = variant.integration

        let verification = integration.verify(event)
        FuzzCheck.require(!mustAccept || verification == .accepted, "\(name): a correctly signed request was refused: \(verification)")
        _ = integration.deliveryID(for: event)
        _ = integration.acknowledgement(for: event)

        let live = MapOutcome(integration, event)
        if case .events(let events) = live {
            FuzzCheck.require(events.count <= PluginKit.maxBatchEvents, "\(name): \(events.count) events from one request")
            for summary in events { FuzzCheck.requireValidID(summary.eventID, "\(name) map") }
        }
        let metadata = InboundEventCodec.encodeMetadata(event.storable(for: integration))
        guard let restored = InboundEventCodec.decode(route: event.route, metadata: metadata, body: event.body, receivedAtMillis: event.receivedAtMillis) else {
            FuzzCheck.require(false, "\(name): the journal could not read back the metadata it wrote")
            return
        }
        let replayed = MapOutcome(integration, restored)
        FuzzCheck.require(replayed == live, "\(name): map after the journal round trip gave \(replayed), live gave \(live)")
    }
}

/// What `map` gave, comparable.
enum MapOutcome: Equatable, CustomStringConvertible {
    /// The external events, summarised.
    case events([Summary])
    /// The failure.
    case failure(MappingFailure)

    /// The parts of an external event that reach PolyAI.
    struct Summary: Equatable {
        var eventID: String
        var idLocation: EventIDLocation
        var body: [UInt8]
        var contentType: String
        var orderingKey: String?
        var deliveryID: String?
    }

    init(_ integration: any Integration, _ event: InboundEvent) {
        do {
            self = .events(try integration.map(event).map {
                Summary(eventID: $0.eventID, idLocation: $0.idLocation, body: $0.body, contentType: $0.contentType,
                        orderingKey: $0.orderingKey, deliveryID: $0.deliveryID)
            })
        } catch {
            self = .failure(error)
        }
    }

    var description: String {
        switch self {
        case .events(let events): "\(events.count) event(s) \(events.map(\.eventID))"
        case .failure(let failure): "failure \(failure)"
        }
    }
}

enum PluginTargets {
    /// Every plugin target.
    static let all: [PluginTarget] = {
        let built = buildAll()
        func variants(_ names: [(String, @Sendable (inout FuzzRequest, String) -> Bool)]) -> [PluginTarget.Variant] {
            names.map { name, sign in
                guard let integration = built[name] else { fatalError("fuzz configuration has no integration \(name)") }
                return PluginTarget.Variant(integration: integration, sign: sign)
            }
        }
        return [
            PluginTarget(name: "mapping", variants: variants([
                ("mapping-json", PluginSigners.mappingHexHMAC),
                ("mapping-form", PluginSigners.mappingToken),
                ("mapping-xml", PluginSigners.mappingBasic),
                ("mapping-header", PluginSigners.mappingTimestampedHMAC),
                ("mapping-query", PluginSigners.none),
            ])),
            PluginTarget(name: "stripe", variants: variants([("stripe-a", PluginSigners.stripe), ("stripe-b", PluginSigners.stripe)])),
            PluginTarget(name: "hubspot", variants: variants([("hubspot-a", PluginSigners.hubSpot), ("hubspot-b", PluginSigners.hubSpot)])),
            PluginTarget(name: "twilio", variants: variants([("twilio-a", PluginSigners.twilio), ("twilio-b", PluginSigners.twilio)])),
            PluginTarget(name: "salesforce", variants: variants([("salesforce-a", PluginSigners.none), ("salesforce-b", PluginSigners.none)])),
            PluginTarget(name: "zendesk", variants: variants([("zendesk-a", PluginSigners.zendesk), ("zendesk-b", PluginSigners.zendesk)])),
        ]
    }()

    /// Loads `configuration` and builds every integration in it; a problem is a broken harness, so it stops.
    static func buildAll() -> [String: any Integration] {
        let loaded = ConfigLoader.load(yaml: configuration, file: "fuzz-plugins.yaml", environment: PluginSecrets.environment)
        let clock = ManualClock(startMillis: PluginSecrets.nowMillis)
        var registry = IntegrationRegistry()
        MappingIntegration.register(in: &registry, clock: clock)
        StripeIntegration.register(in: &registry, clock: clock)
        HubSpotIntegration.register(in: &registry, clock: clock)
        TwilioIntegration.register(in: &registry)
        SalesforceIntegration.register(in: &registry)
        ZendeskIntegration.register(in: &registry, clock: clock)
        let diagnostics = ConfigDiagnostics(issues: loaded.issues)
        let built = registry.build(loaded.integrations, diagnostics: diagnostics)
        let errors = diagnostics.issues.filter { $0.severity == .error }
        guard errors.isEmpty else { fatalError("fuzz plugin configuration is wrong: \(errors)") }
        return built
    }

    /// Two or more configurations of each plugin: the defaults, and the other id sources, bodies and filters.
    static var configuration: String {
        var text = "polyai: { endpoint: http://127.0.0.1:9300, account_id: ws-fuzz }\nintegrations:\n"
        for (name, plugin, options) in integrations {
            text += "  \(name):\n    plugin: \(plugin)\n    project_id: PROJECT-FUZZ\n"
            text += "    key: { env: POLYAI_KEY, agents: [PROJECT-FUZZ], permissions: [external_events] }\n    options:\n"
            for line in options.split(separator: "\n") { text += "      \(line)\n" }
        }
        text += "routes:\n"
        for (name, _, _) in integrations { text += "  - { from: { webhook: /hooks/\(name) }, to: \(name) }\n" }
        return text
    }

    /// Name, plugin and `options:` block of each configuration.
    static let integrations: [(String, String, String)] = [
        ("mapping-json", "mapping", """
            event_id: { from: json, path: cid }
            verify: { hmac: { header: X-Signature, secret: "${MAPPING_HMAC}", prefix: "sha256=" } }
            """),
        ("mapping-form", "mapping", """
            event_id: { from: form, path: Body, pattern: 'REF-([A-Z0-9]+)' }
            body: { fields: [From, Body] }
            verify: { token: { header: X-Webhook-Token, value: "${MAPPING_TOKEN}" } }
            """),
        ("mapping-xml", "mapping", """
            event_id: { from: xml, path: booking.cid }
            body: { template: '{"status":"{{booking.status}}","cid":"{{booking.cid}}"}' }
            verify: { basic: { username: crm, password: "${MAPPING_PASSWORD}" } }
            """),
        ("mapping-header", "mapping", """
            event_id: { from: header, path: X-Cid }
            body: { template: 'cid={{cid}}&status={{status}}', content_type: application/x-www-form-urlencoded }
            verify:
              hmac:
                header: X-Signature
                secret: "${MAPPING_HMAC_2}"
                algorithm: sha512
                encoding: base64
                timestamp: { header: X-Timestamp, tolerance: 5m, format: unix }
                signed: "{timestamp}.{method}.{url}.{body}"
            """),
        ("mapping-query", "mapping", """
            event_id: { from: query, path: cid }
            body: { fields: [status, data.amount, cid] }
            """),
        ("stripe-a", "stripe", """
            signing_secret: "${STRIPE_SECRET}"
            events: [payment_intent.succeeded, checkout.session.completed]
            body: { fields: [type, data.object.amount, data.object.status, data.object.metadata.cid] }
            """),
        ("stripe-b", "stripe", """
            signing_secret: ["${STRIPE_SECRET_OLD}", "${STRIPE_SECRET}"]
            event_id: { from: header, path: X-Cid }
            tolerance: 1m
            """),
        ("hubspot-a", "hubspot", """
            signing_secret: "${HUBSPOT_SECRET}"
            """),
        ("hubspot-b", "hubspot", """
            signing_secret: "${HUBSPOT_SECRET}"
            public_url: https://hooks.example.com/hooks/hubspot
            events: [contact.propertyChange]
            property_name: polyai_cid
            body: { fields: [objectId, propertyValue, subscriptionType] }
            """),
        ("twilio-a", "twilio", """
            signing_secret: "${TWILIO_TOKEN}"
            """),
        ("twilio-b", "twilio", """
            signing_secret: "${TWILIO_TOKEN}"
            public_url: https://hooks.example.com/hooks/twilio
            event_id: { from: form, path: Body, pattern: 'REF-([A-Z0-9]+)' }
            body: { fields: [From, Body, MessageStatus] }
            """),
        ("salesforce-a", "salesforce", """
            organization_ids: [00D5g000004ABCDEA4]
            """),
        ("salesforce-b", "salesforce", """
            organization_ids: [00D5g000004ABCD, 00D5g000004WXYZ]
            event_id: { from: query, path: cid }
            body: { fields: [sObject.StageName, sObject.PolyAI_CID__c] }
            """),
        ("zendesk-a", "zendesk", """
            signing_secret: "${ZENDESK_SECRET}"
            """),
        ("zendesk-b", "zendesk", """
            signing_secret: "${ZENDESK_SECRET}"
            events: [zen:event-type:user.external_id_changed, zen:event-type:ticket.status_changed]
            body: { fields: [type, detail.external_id, detail.id] }
            """),
    ]
}
