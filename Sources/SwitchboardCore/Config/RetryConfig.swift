/// How an integration retries: exponential backoff with full jitter, bounded by attempts and a deadline.
///
/// `retry: { max_attempts: 10, base: 100ms, factor: 2, cap: 10s, deadline: 55m }`; every key is optional.
public struct RetryConfig: Sendable, Hashable {
    /// How long an external event id lives; retrying past it is pointless.
    public static let eventIDLifetime: Duration = .seconds(3600)

    /// The most attempts, the first included; default 20.
    public var maxAttempts: Int
    /// The first backoff; default 100ms.
    public var base: Duration
    /// How much the backoff grows per attempt; default 2.
    public var factor: Double
    /// The longest backoff; default 30s.
    public var cap: Duration
    /// How long after an event was first seen it is given up as expired; default 55m.
    public var deadline: Duration

    /// Creates retry settings.
    public init(
        maxAttempts: Int = 20,
        base: Duration = .milliseconds(100),
        factor: Double = 2.0,
        cap: Duration = .seconds(30),
        deadline: Duration = .seconds(55 * 60)
    ) {
        self.maxAttempts = maxAttempts
        self.base = base
        self.factor = factor
        self.cap = cap
        self.deadline = deadline
    }
}

extension RetryConfig {
    /// Reads the `retry` block of an integration (absent means defaults).
    static func read(_ reader: ConfigReader?, _ context: ConfigContext) -> RetryConfig? {
        guard let reader else { return RetryConfig() }
        let diagnostics = context.diagnostics
        let mark = context.errorMark
        var result = RetryConfig()

        if let attempts = reader.int("max_attempts", range: 1...Int.max) {
            result.maxAttempts = attempts
        }
        let baseNode = reader.value("base")
        if let baseNode, let base = positive(baseNode, diagnostics) {
            result.base = base
        }
        if let node = reader.value("factor"), let factor = node.double(diagnostics) {
            if factor >= 1 {
                result.factor = factor
            } else {
                diagnostics.error("expected a number of at least 1", at: node)
            }
        }
        let capNode = reader.value("cap")
        if let capNode, let cap = positive(capNode, diagnostics) {
            result.cap = cap
        }
        if let node = reader.value("deadline"), let deadline = positive(node, diagnostics) {
            result.deadline = deadline
            if deadline > eventIDLifetime {
                diagnostics.warning("an external event id lives 1h: retrying longer than that cannot succeed", at: node)
            }
        }
        reader.finish()

        guard !context.hasErrors(since: mark) else { return nil }
        if result.base > result.cap {
            // Point at whichever of the two the operator wrote; base first, as it is the one usually raised.
            let message = "base must not be longer than cap"
            if let node = baseNode ?? capNode {
                diagnostics.error(message, at: node)
            } else {
                diagnostics.error(message, path: reader.path, position: reader.position)
            }
            return nil
        }
        return result
    }

    private static func positive(_ node: ConfigNode, _ diagnostics: ConfigDiagnostics) -> Duration? {
        guard let value = node.duration(diagnostics) else { return nil }
        guard value > .zero else {
            diagnostics.error("expected a duration longer than zero", at: node)
            return nil
        }
        return value
    }
}
