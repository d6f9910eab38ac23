extension ConfigLoader {
    /// Parses YAML text into a node tree like `parse(yaml:file:environment:diagnostics:)`, with the same positions,
    /// limits and errors, but reads every value as written: `${...}` is not interpolated.
    ///
    /// For files that are not configurations, such as `switchboard test` files, whose bodies may contain `${`.
    /// Returns nil (with one issue recorded) when the text is not YAML.
    public static func parseLiteral(yaml: String, file: String, diagnostics: ConfigDiagnostics) -> ConfigNode? {
        var builder = ConfigNodeBuilder(file: file, interpolation: nil, diagnostics: diagnostics)
        return builder.parse(yaml: yaml)
    }
}
