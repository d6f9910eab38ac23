/// The embedded store that holds webhook events until they have an outcome, the dedup window and dead letters.
///
/// Written `journal: ./dir`, or
/// `journal: { path: ./dir, capacity: 50000, dedup_window: 1h, dead_letters: { retention: 14d, capacity: 100000 } }`.
public struct JournalConfig: Sendable, Hashable {
    /// The directory written when the configuration leaves it out, relative to the configuration file.
    public static let defaultDirectory = "./switchboard-data"
    /// How many events may wait in the journal when the configuration leaves it out.
    public static let defaultCapacity = 100_000
    /// How long delivered events are remembered against duplicates when the configuration leaves it out.
    public static let defaultDedupWindow: Duration = .seconds(24 * 3600)
    /// How long a dead letter is kept when the configuration leaves it out.
    public static let defaultDeadLetterRetention: Duration = .seconds(14 * 86_400)
    /// How many dead letters are kept when the configuration leaves it out.
    public static let defaultDeadLetterCapacity = 100_000
    /// The range `dead_letters.retention` must be in: a minute to ten years.
    public static let deadLetterRetentionRange: ClosedRange<Duration> = .seconds(60) ... .seconds(3650 * 86_400)

    /// The store's directory, absolute.
    public var directory: String
    /// How many events may wait; past this webhook callers get `503`.
    public var capacity: Int
    /// How long a delivered event is remembered so a re-send is not posted twice.
    public var dedupWindow: Duration
    /// How long a dead letter is kept in the local store before it is removed.
    public var deadLetterRetention: Duration
    /// How many dead letters the local store keeps; past it the oldest are removed.
    public var deadLetterCapacity: Int

    /// Creates journal settings.
    public init(
        directory: String,
        capacity: Int = defaultCapacity,
        dedupWindow: Duration = defaultDedupWindow,
        deadLetterRetention: Duration = defaultDeadLetterRetention,
        deadLetterCapacity: Int = defaultDeadLetterCapacity
    ) {
        self.directory = directory
        self.capacity = capacity
        self.dedupWindow = dedupWindow
        self.deadLetterRetention = deadLetterRetention
        self.deadLetterCapacity = deadLetterCapacity
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
            let deadLetters = reader.mapping("dead_letters")
            var retention = defaultDeadLetterRetention
            if let node = deadLetters?.value("retention"), let value = node.duration(diagnostics) {
                if deadLetterRetentionRange.contains(value) {
                    retention = value
                } else {
                    diagnostics.error("expected a retention from 1m to 3650d", at: node)
                }
            }
            let deadLetterCapacity = deadLetters?.int("capacity", range: 1...100_000_000) ?? defaultDeadLetterCapacity
            reader.finish()
            guard !context.hasErrors(since: mark) else { return nil }
            return JournalConfig(
                directory: context.absolute(directory), capacity: capacity, dedupWindow: window,
                deadLetterRetention: retention, deadLetterCapacity: deadLetterCapacity
            )
        case .sequence, .null:
            if !node.interpolationFailed {
                diagnostics.error("expected a directory path or a mapping with path, capacity, dedup_window, dead_letters", at: node)
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
