import Synchronization

/// What the soak produced: per conversation, how many events were acknowledged (sequence numbers 0 up to that
/// count), and how many sends ended without an answer (the event may or may not have been taken).
final class ProducedLedger: Sendable {
    private struct State {
        var acknowledged: [String: Int] = [:]
        var unanswered: [Conversation.Source: Int] = [:]
        var refusals: [String: Int] = [:]
    }

    private let state = Mutex(State())

    /// Records that `sequence` of `conversation` was acknowledged (`202`, or the broker's ack).
    func acknowledged(_ conversation: Conversation, sequence: Int) {
        state.withLock { $0.acknowledged[conversation.name] = sequence + 1 }
    }

    /// Records a send that got no answer (connection reset, timeout): it is sent again.
    func unanswered(_ source: Conversation.Source) {
        state.withLock { $0.unanswered[source, default: 0] += 1 }
    }

    /// Records a refused send (`503` while an instance stops, a Kafka error): it is sent again.
    func refused(_ what: String) {
        state.withLock { $0.refusals[what, default: 0] += 1 }
    }

    /// How many events of `conversation` were acknowledged.
    func count(of conversation: String) -> Int {
        state.withLock { $0.acknowledged[conversation] ?? 0 }
    }

    /// Every acknowledged event, as a count per conversation.
    var counts: [String: Int] { state.withLock { $0.acknowledged } }

    /// Sends without an answer, by source.
    var unansweredCounts: [Conversation.Source: Int] { state.withLock { $0.unanswered } }

    /// Refused sends, by what refused them.
    var refusalCounts: [String: Int] { state.withLock { $0.refusals } }
}
