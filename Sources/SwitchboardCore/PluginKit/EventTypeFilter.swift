/// Which provider event types an integration passes on: the optional `events` option.
///
/// ```yaml
/// events: [payment_intent.succeeded, checkout.session.completed]
/// ```
/// Events of other types map to nothing: they are acknowledged to the provider and not posted.
public struct EventTypeFilter: Sendable, Equatable {
    /// The accepted types; nil accepts every type.
    public var types: Set<String>?

    /// Makes a filter; nil accepts everything.
    public init(types: Set<String>? = nil) {
        self.types = types
    }

    /// Reads the optional option `key` (default `events`): a non-empty list of non-empty type names.
    public static func read(_ options: ConfigReader, key: String = "events") -> EventTypeFilter? {
        guard let node = options.value(key) else { return options.has(key) ? nil : EventTypeFilter() }
        guard let names = node.strings(options.diagnostics) else { return nil }
        guard !names.isEmpty, !names.contains(where: \.isEmpty) else {
            options.diagnostics.error("list at least one event type, none empty", at: node)
            return nil
        }
        return EventTypeFilter(types: Set(names))
    }

    /// Whether an event of this type is passed on (an event without a type passes only when nothing is filtered).
    public func allows(_ type: String?) -> Bool {
        guard let types else { return true }
        guard let type else { return false }
        return types.contains(type)
    }
}
