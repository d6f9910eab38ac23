/// Bounds on what the in-memory sandbox keeps, so a long benchmark cannot exhaust memory.
///
/// When a bound is reached the oldest entries are dropped first.
public struct SandboxLimits: Sendable, Equatable {
    /// Most conversations kept.
    public var maxConversations: Int
    /// Most events kept per conversation.
    public var maxEventsPerConversation: Int
    /// Most events kept across all conversations.
    public var maxEvents: Int
    /// Most bytes of event bodies kept across all conversations.
    public var maxEventBytes: Int
    /// Most external event ids kept per conversation.
    public var maxEventIDsPerConversation: Int

    /// Creates limits; the defaults keep 10,000 conversations and 100,000 events (256 MiB of bodies).
    public init(
        maxConversations: Int = 10_000,
        maxEventsPerConversation: Int = 10_000,
        maxEvents: Int = 100_000,
        maxEventBytes: Int = 256 << 20,
        maxEventIDsPerConversation: Int = 1_000
    ) {
        self.maxConversations = maxConversations
        self.maxEventsPerConversation = maxEventsPerConversation
        self.maxEvents = maxEvents
        self.maxEventBytes = maxEventBytes
        self.maxEventIDsPerConversation = maxEventIDsPerConversation
    }

    /// The first limit that is not positive, in the user's words, or nil.
    func problem() -> String? {
        let all = [
            ("maxConversations", maxConversations), ("maxEventsPerConversation", maxEventsPerConversation),
            ("maxEvents", maxEvents), ("maxEventBytes", maxEventBytes),
            ("maxEventIDsPerConversation", maxEventIDsPerConversation),
        ]
        for (name, value) in all where value < 1 {
            return "limit \(name) must be at least 1, got \(value)"
        }
        return nil
    }
}
