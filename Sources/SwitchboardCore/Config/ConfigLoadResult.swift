/// What loading a configuration produced: the configuration when it has no error, and every issue found.
///
/// Plugins check their own `options` afterwards; collect their issues together with these:
///
/// ```swift
/// let result = ConfigLoader.load(file: path)
/// let diagnostics = ConfigDiagnostics(issues: result.issues)
/// for integration in result.integrations { plugin(integration).check(integration.options, diagnostics) }
/// diagnostics.issues.forEach { print($0) }
/// ```
public struct ConfigLoadResult: Sendable {
    /// The configuration; nil when any error was found.
    public var config: SwitchboardConfig?
    /// Every error and warning, ordered by position in the file.
    public var issues: [ConfigIssue]
    /// The integrations that read without error, even when other parts of the file have errors, so their plugin
    /// options can be checked in the same pass. Equal to `config?.integrations` when the file is valid.
    public var integrations: [IntegrationConfig]

    /// Creates a result.
    public init(config: SwitchboardConfig?, issues: [ConfigIssue], integrations: [IntegrationConfig] = []) {
        self.config = config
        self.issues = issues
        self.integrations = integrations
    }

    /// Whether any issue is an error.
    public var hasErrors: Bool {
        issues.contains { $0.severity == .error }
    }

    /// The errors only.
    public var errors: [ConfigIssue] {
        issues.filter { $0.severity == .error }
    }

    /// The warnings only.
    public var warnings: [ConfigIssue] {
        issues.filter { $0.severity == .warning }
    }
}
