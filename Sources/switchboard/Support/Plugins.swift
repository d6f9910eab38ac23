import Mapping
import SwitchboardCore

/// Every integration plugin compiled into this binary.
enum Plugins {
    static var registry: IntegrationRegistry {
        var registry = IntegrationRegistry()
        MappingIntegration.register(in: &registry)
        return registry
    }
}
