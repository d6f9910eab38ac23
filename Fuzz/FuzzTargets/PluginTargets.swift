import HubSpot
import Mapping
import Salesforce
import Stripe
import SwitchboardCore
import Twilio
import Zendesk

/// The plugin targets and the configurations their integrations are built from.
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
        let diagnostics = ConfigDiagnostics(issues: loaded.issues)
        let built = ConfigTarget.registry.build(loaded.integrations, diagnostics: diagnostics)
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
