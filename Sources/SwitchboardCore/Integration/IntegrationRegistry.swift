import Foundation

/// The plugins compiled into this binary, by the name used in `plugin:`.
public struct IntegrationRegistry: Sendable {
    /// Builds an integration from its `options:` block; reports problems to `diagnostics` and returns nil on error.
    public typealias Factory = @Sendable (_ options: ConfigReader, _ context: IntegrationContext) -> (any Integration)?

    private var factories: [String: Factory] = [:]

    /// An empty registry.
    public init() {}

    /// Adds a plugin.
    public mutating func register(_ name: String, factory: @escaping Factory) {
        factories[name] = factory
    }

    /// The names of every registered plugin, sorted.
    public var names: [String] { factories.keys.sorted() }

    /// Builds every integration of a configuration; unknown plugins and bad options become issues.
    public func build(_ config: SwitchboardConfig, diagnostics: ConfigDiagnostics) -> [String: any Integration] {
        build(config.integrations, diagnostics: diagnostics, configFile: config.file)
    }

    /// Builds the given integrations (those that read cleanly, even when other parts of the file have errors);
    /// paths in their options are relative to `configFile`'s directory.
    public func build(_ integrations: [IntegrationConfig], diagnostics: ConfigDiagnostics, configFile: String = "") -> [String: any Integration] {
        let directory = configFile.isEmpty ? "" : ConfigPaths.directory(of: configFile)
        var built: [String: any Integration] = [:]
        for integration in integrations {
            guard let factory = factories[integration.plugin] else {
                diagnostics.error(
                    "unknown plugin '\(integration.plugin)' (compiled in: \(names.joined(separator: ", ")))",
                    path: "integrations.\(integration.name).plugin",
                    position: integration.position
                )
                continue
            }
            let reader = ConfigReader(node: integration.options, diagnostics: diagnostics, path: integration.path + ".options", position: integration.position)
            let context = IntegrationContext(name: integration.name, projectID: integration.projectID, baseDirectory: directory)
            if let made = factory(reader, context) {
                built[integration.name] = made
            }
            reader.finish()
        }
        return built
    }
}

/// What a plugin knows about the integration it is built for.
public struct IntegrationContext: Sendable {
    /// The integration's name in the YAML.
    public var name: String
    /// The agent (project) its events go to.
    public var projectID: String
    /// The directory relative paths in its options are resolved against (the configuration file's).
    public var baseDirectory: String

    /// Describes an integration; `baseDirectory` empty means the working directory.
    public init(name: String, projectID: String, baseDirectory: String = "") {
        self.name = name
        self.projectID = projectID
        self.baseDirectory = baseDirectory
    }

    /// `path` made absolute against `baseDirectory` (or the working directory).
    public func absolutePath(_ path: String) -> String {
        ConfigPaths.absolute(path, relativeTo: baseDirectory.isEmpty ? FileManager.default.currentDirectoryPath : baseDirectory)
    }
}
