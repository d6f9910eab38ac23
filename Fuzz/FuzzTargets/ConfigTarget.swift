import Foundation
import HubSpot
import Mapping
import Salesforce
import Stripe
import SwitchboardCore
import Twilio
import WasmABI
import Zendesk

/// YAML text → what `switchboard validate` checks offline: the loader's diagnostics, every plugin's options, the
/// key rules. Any text gives issues, never a crash; a file without errors has a configuration, and one with
/// errors has none.
enum ConfigTarget {
    /// The variables `${VAR}` may name: those of `examples/` and a few more, with made-up values.
    static let environment: [String: String] = PluginSecrets.environment.merging([
        "STRIPE_WEBHOOK_SECRET": "whsec_example", "HUBSPOT_CLIENT_SECRET": "hs-example", "TWILIO_AUTH_TOKEN": "tw-example",
        "ZENDESK_WEBHOOK_SECRET": "zd-example", "CRM_WEBHOOK_SECRET": "crm-example",
        "POLYAI_KEY_PAYMENTS": "k1", "POLYAI_KEY_CRM": "k2", "POLYAI_KEY_SMS_STATUS": "k3", "POLYAI_KEY_SMS_REPLIES": "k4",
        "POLYAI_KEY_SALESFORCE": "k5", "POLYAI_KEY_SUPPORT": "k6", "POLYAI_KEY": "k7", "K": "polyai-key", "ADMIN_TOKEN": "admin-example",
        "EMPTY": "", "SPACED": "two words",
    ]) { first, _ in first }

    /// Every plugin, as the `switchboard` binary registers them.
    static let registry: IntegrationRegistry = {
        let clock = ManualClock(startMillis: PluginSecrets.nowMillis)
        var registry = IntegrationRegistry()
        MappingIntegration.register(in: &registry, clock: clock)
        StripeIntegration.register(in: &registry, clock: clock)
        HubSpotIntegration.register(in: &registry, clock: clock)
        TwilioIntegration.register(in: &registry)
        SalesforceIntegration.register(in: &registry)
        ZendeskIntegration.register(in: &registry, clock: clock)
        // `wasm`'s options as the binary reads them; no module is loaded from a path the fuzzer names.
        registry.register("wasm") { options, context in
            _ = WasmPluginOptions.read(options, context: context)
            return nil
        }
        return registry
    }()

    @Sendable static func run(_ bytes: [UInt8]) {
        // `${file:...}` would read whatever the fuzzer names (/dev/stdin blocks): it reads as an unknown variable here.
        let yaml = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "{file:", with: "{no-file:")
        let loaded = ConfigLoader.load(yaml: yaml, file: "fuzz.yaml", environment: environment)
        FuzzCheck.require((loaded.config == nil) == loaded.hasErrors, "config: a configuration came back with errors, or none without")
        for issue in loaded.issues { _ = issue.description }

        let diagnostics = ConfigDiagnostics()
        _ = registry.build(loaded.integrations, diagnostics: diagnostics)
        for issue in diagnostics.issues { _ = issue.description }
        guard let config = loaded.config else { return }

        var keys: [String: APIKey] = [:]
        for integration in config.integrations {
            guard case .env = integration.key.source else { continue }   // key files are not read while fuzzing
            if case .success(let key) = KeyLoader.load(integration.key, integration: integration.name, environment: environment) {
                keys[integration.name] = key
            }
        }
        for issue in KeyRules.check(config, keys: keys, now: Date(timeIntervalSince1970: 1_800_000_000)) { _ = issue.description }
    }
}
