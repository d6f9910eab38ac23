/// The embedded store that holds webhook events until they have an outcome, the dedup window and dead letters.
///
/// Written `journal: ./dir`, or `journal: { path: ./dir, capacity: 50000, dedup_window: 1h }`.
public struct JournalConfig: Sendable, Hashable {
    /// The directory written when the configuration leaves it out, relative to the configuration file.
    public static let defaultDirectory = "./switchboard-data"
    /// How many events may wait in the journal when the configuration leaves it out.
    public static let defaultCapacity = 100_000
    /// How long delivered events are remembered against duplicates when the configuration leaves it out.
    public static let defaultDedupWindow: Duration = .seconds(24 * 3600)

    /// The store's directory, absolute.
    public var directory: String
    /// How many events may wait; past this webhook callers get `503`.
    public var capacity: Int
    /// How long a delivered event is remembered so a re-send is not posted twice.
    public var dedupWindow: Duration

    /// Creates journal settings.
    public init(directory: String, capacity: Int = defaultCapacity, dedupWindow: Duration = defaultDedupWindow) {
        self.directory = directory
        self.capacity = capacity
        self.dedupWindow = dedupWindow
    }
}

extension JournalConfig {
    /// Reads the `journal` value: absent, a path, or a mapping.
    static func read(_ node: ConfigNode?, _ context: ConfigContext) -> JournalConfig? {
        let diagnostics = context.diagnostics
        guard let node, !node.isNull else {
            return JournalConfig(directory: context.absolute(defaultDirectory))
        }
        switch node.kind {
        case .scalar:
            guard let path = nonEmptyPath(node, diagnostics) else { return nil }
            return JournalConfig(directory: context.absolute(path))
        case .mapping:
            let reader = ConfigReader(node: node, diagnostics: diagnostics)
            let mark = context.errorMark
            var directory = defaultDirectory
            if let pathNode = reader.value("path"), let path = nonEmptyPath(pathNode, diagnostics) {
                directory = path
            }
            let capacity = reader.int("capacity", range: 1...100_000_000) ?? defaultCapacity
            let window = reader.duration("dedup_window") ?? defaultDedupWindow
            reader.finish()
            guard !context.hasErrors(since: mark) else { return nil }
            return JournalConfig(directory: context.absolute(directory), capacity: capacity, dedupWindow: window)
        case .sequence, .null:
            if !node.interpolationFailed {
                diagnostics.error("expected a directory path or a mapping with path, capacity, dedup_window", at: node)
            }
            return nil
        }
    }

    private static func nonEmptyPath(_ node: ConfigNode, _ diagnostics: ConfigDiagnostics) -> String? {
        guard let path = node.string(diagnostics) else { return nil }
        guard !path.isEmpty else {
            diagnostics.error("must not be empty", at: node)
            return nil
        }
        return path
    }
}
