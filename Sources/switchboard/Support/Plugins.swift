import HubSpot
import Mapping
import Salesforce
import Stripe
import SwitchboardCore
import Twilio
import Zendesk

/// Every integration plugin compiled into this binary.
enum Plugins {
    static var registry: IntegrationRegistry {
        var registry = IntegrationRegistry()
        MappingIntegration.register(in: &registry)
        StripeIntegration.register(in: &registry)
        HubSpotIntegration.register(in: &registry)
        TwilioIntegration.register(in: &registry)
        SalesforceIntegration.register(in: &registry)
        ZendeskIntegration.register(in: &registry)
        return registry
    }
}
