import Testing
import HubSpot
import Mapping
import Salesforce
import Stripe
import SwitchboardCore
import Twilio
import Zendesk

@Suite("The shipped plugin examples")
struct ExampleConfigTests {
    /// `examples/` of the package, found from this file's place in `Tests/IntegrationPluginTests/Examples/`.
    static let examplesDirectory: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(4)
        return parts.joined(separator: "/") + "/examples"
    }()

    /// Every variable the examples read, with made-up values.
    static let environment = [
        "STRIPE_WEBHOOK_SECRET": "whsec_example", "HUBSPOT_CLIENT_SECRET": "hs-example", "TWILIO_AUTH_TOKEN": "tw-example",
        "ZENDESK_WEBHOOK_SECRET": "zd-example", "POLYAI_KEY_PAYMENTS": "k1", "POLYAI_KEY_CRM": "k2", "POLYAI_KEY_SMS_STATUS": "k3",
        "POLYAI_KEY_SMS_REPLIES": "k4", "POLYAI_KEY_SALESFORCE": "k5", "POLYAI_KEY_SUPPORT": "k6", "ADMIN_TOKEN": "admin-example",
    ]

    @Test("each plugin example loads without errors and builds its integrations", arguments: ["stripe", "hubspot", "twilio", "salesforce", "zendesk"])
    func example(_ name: String) throws {
        let loaded = ConfigLoader.load(file: Self.examplesDirectory + "/\(name).yaml", environment: Self.environment)
        let config = try #require(loaded.config, "\(loaded.errors)")
        var registry = IntegrationRegistry()
        MappingIntegration.register(in: &registry)
        StripeIntegration.register(in: &registry)
        HubSpotIntegration.register(in: &registry)
        TwilioIntegration.register(in: &registry)
        SalesforceIntegration.register(in: &registry)
        ZendeskIntegration.register(in: &registry)
        let diagnostics = ConfigDiagnostics()
        let built = registry.build(config, diagnostics: diagnostics)
        #expect(!diagnostics.hasErrors, "\(diagnostics.issues)")
        #expect(built.count == config.integrations.count)
        #expect(config.integrations.allSatisfy { $0.plugin == name })
    }
}
