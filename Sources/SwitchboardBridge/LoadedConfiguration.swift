import SwitchboardCore

/// A configuration file read and checked in full: the configuration, its integrations' plugins and their keys.
public struct LoadedConfiguration: Sendable {
    /// The configuration.
    public var config: SwitchboardConfig
    /// The integrations' plugins, by name.
    public var integrations: [String: any Integration]
    /// The integrations' keys, by name.
    public var keys: [String: APIKey]

    /// Makes a loaded configuration.
    public init(config: SwitchboardConfig, integrations: [String: any Integration], keys: [String: APIKey]) {
        self.config = config
        self.integrations = integrations
        self.keys = keys
    }
}
