import Foundation

/// Loads a Switchboard configuration file: reads it, interpolates `${VAR}` and `${file:PATH}`, and checks it strictly.
///
/// Content problems never throw: each is a `ConfigIssue` with `file:line:column`, the key path and a message, and
/// all of them are found in one pass.
///
/// ```swift
/// let result = ConfigLoader.load(file: "switchboard.yaml")
/// for issue in result.issues { print(issue) }   // switchboard.yaml:12:7: error: routes[0].to: no integration is named 'pay'
/// guard let config = result.config else { exit(1) }
/// ```
public enum ConfigLoader {
    /// The largest configuration file read: far beyond any real one.
    public static let maximumFileBytes = 10 << 20

    /// Reads, interpolates and checks a configuration file. Never throws for content problems: they are issues.
    public static func load(
        file: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> ConfigLoadResult {
        switch readText(file: file) {
        case .success(let yaml):
            return load(yaml: yaml, file: file, environment: environment)
        case .failure(let failure):
            let issue = ConfigIssue(severity: .error, position: nil, path: "", message: failure.message)
            return ConfigLoadResult(config: nil, issues: [issue])
        }
    }

    /// Interpolates and checks configuration text; `file` names it in positions and anchors relative paths.
    public static func load(
        yaml: String,
        file: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> ConfigLoadResult {
        let diagnostics = ConfigDiagnostics()
        let baseDirectory = ConfigPaths.directory(of: file)
        guard let root = parse(yaml: yaml, file: file, environment: environment, diagnostics: diagnostics) else {
            return ConfigLoadResult(config: nil, issues: ordered(diagnostics.issues))
        }
        let context = ConfigContext(diagnostics: diagnostics, baseDirectory: baseDirectory)
        let absoluteFile = ConfigPaths.absolute(file, relativeTo: FileManager.default.currentDirectoryPath)
        let (config, integrations) = SwitchboardConfig.read(root, file: absoluteFile, context)
        return ConfigLoadResult(
            config: diagnostics.hasErrors ? nil : config,
            issues: ordered(diagnostics.issues),
            integrations: integrations
        )
    }

    /// Parses YAML text into an interpolated node tree without checking it against the Switchboard schema.
    ///
    /// Useful for a plugin's own tests: parse an `options` block and read it with a `ConfigReader`.
    /// Returns nil (with one issue recorded) when the text is not YAML.
    public static func parse(
        yaml: String,
        file: String,
        environment: [String: String],
        diagnostics: ConfigDiagnostics
    ) -> ConfigNode? {
        let interpolation = ConfigInterpolation(environment: environment, baseDirectory: ConfigPaths.directory(of: file))
        var builder = ConfigNodeBuilder(file: file, interpolation: interpolation, diagnostics: diagnostics)
        return builder.parse(yaml: yaml)
    }

    private struct ReadFailure: Error {
        var message: String
    }

    private static func readText(file: String) -> Result<String, ReadFailure> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
            return .failure(ReadFailure(message: "configuration file '\(file)' does not exist"))
        }
        guard !isDirectory.boolValue else {
            return .failure(ReadFailure(message: "'\(file)' is a directory, not a configuration file"))
        }
        guard let handle = FileHandle(forReadingAtPath: file) else {
            return .failure(ReadFailure(message: "configuration file '\(file)' cannot be read (check its permissions)"))
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maximumFileBytes + 1) ?? Data()
        } catch {
            return .failure(ReadFailure(message: "configuration file '\(file)' cannot be read"))
        }
        guard data.count <= maximumFileBytes else {
            return .failure(ReadFailure(message: "configuration file '\(file)' is larger than 10 MiB"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(ReadFailure(message: "configuration file '\(file)' is not UTF-8 text"))
        }
        return .success(text)
    }

    /// Issues by position in the file (file-wide ones first), keeping the order found for equal positions.
    static func ordered(_ issues: [ConfigIssue]) -> [ConfigIssue] {
        issues.enumerated().sorted { lhs, rhs in
            let left = (lhs.element.position?.line ?? 0, lhs.element.position?.column ?? 0, lhs.offset)
            let right = (rhs.element.position?.line ?? 0, rhs.element.position?.column ?? 0, rhs.offset)
            return left < right
        }.map(\.element)
    }
}
