/// How Switchboard logs: `log: { format: logfmt, level: info }`.
public struct LoggingConfig: Sendable, Hashable {
    /// The accepted formats.
    public static let formats = ["logfmt", "json"]
    /// The accepted levels, most verbose first (swift-log's levels).
    public static let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// `logfmt` (the default) or `json`.
    public var format: String
    /// The lowest level written; `info` by default.
    public var level: String

    /// Creates logging settings.
    public init(format: String = "logfmt", level: String = "info") {
        self.format = format
        self.level = level
    }
}

extension LoggingConfig {
    /// Reads the `log` block (absent means defaults).
    static func read(_ reader: ConfigReader?, _ context: ConfigContext) -> LoggingConfig? {
        guard let reader else { return LoggingConfig() }
        let mark = context.errorMark
        let format = reader.oneOf("format", formats) ?? "logfmt"
        let level = reader.oneOf("level", levels) ?? "info"
        reader.finish()
        return context.hasErrors(since: mark) ? nil : LoggingConfig(format: format, level: level)
    }
}
