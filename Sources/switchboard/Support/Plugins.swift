import HubSpot
import Mapping
import Salesforce
import Stripe
import SwitchboardCore
import Twilio
import WasmPlugin
import Zendesk

/// Every integration plugin compiled into this binary.
enum Plugins {
    static var registry: IntegrationRegistry { registry(clock: SystemDeliveryClock()) }

    /// The plugins reading signed timestamps from `clock` (`switchboard test` sets it with `now:`).
    static func registry(clock: any DeliveryClock) -> IntegrationRegistry {
        var registry = IntegrationRegistry()
        MappingIntegration.register(in: &registry, clock: clock)
        StripeIntegration.register(in: &registry, clock: clock)
        HubSpotIntegration.register(in: &registry, clock: clock)
        TwilioIntegration.register(in: &registry)
        SalesforceIntegration.register(in: &registry)
        ZendeskIntegration.register(in: &registry, clock: clock)
        WasmIntegration.register(in: &registry, clock: clock)
        return registry
    }
}
