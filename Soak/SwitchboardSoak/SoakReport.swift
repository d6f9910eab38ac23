import Foundation

/// What the soak found: produced against delivered, per conversation and in total.
struct SoakReport: Sendable {
    /// One conversation's order problem: `sequence` reached it for the first time after `after` had.
    struct OrderViolation: Sendable {
        let conversation: String
        let sequence: Int
        let after: Int
    }

    var produced = 0
    var producedBySource: [Conversation.Source: Int] = [:]
    /// Produced events that reached their conversation at least once.
    var delivered = 0
    /// Produced events neither delivered nor dead-lettered.
    var lost: [SoakEvent] = []
    /// Deliveries beyond the first of an event.
    var duplicates = 0
    var orderViolations: [OrderViolation] = []
    /// Produced events not delivered but dead-lettered (accounted for).
    var deadLetteredUndelivered = 0
    var deadLetters = DeadLetterTally()
    /// Deliveries of events the soak never saw acknowledged (a send whose answer was lost, then not sent again).
    var unacknowledgedDeliveries = 0
    /// Events in a conversation that were not the soak's (or another conversation's).
    var foreignDeliveries = 0
    var peakRSSKiB = 0

    /// Compares what was produced (a count per conversation: sequences 0..<count) with what each conversation received
    /// (sequence numbers in arrival order) and what was dead-lettered.
    init(conversations: [Conversation], produced counts: [String: Int], received: [String: [Int]], foreign: Int,
         deadLetters: DeadLetterTally, peakRSSKiB: Int) {
        self.deadLetters = deadLetters
        self.peakRSSKiB = peakRSSKiB
        self.foreignDeliveries = foreign
        for conversation in conversations {
            let count = counts[conversation.name] ?? 0
            produced += count
            producedBySource[conversation.source, default: 0] += count
            let arrivals = received[conversation.name] ?? []
            var firstSeen = Set<Int>()
            var highest = -1
            for sequence in arrivals {
                guard firstSeen.insert(sequence).inserted else {
                    duplicates += 1
                    continue
                }
                // At least once: a re-delivery may repeat earlier events, but an event's first delivery must come
                // after the first delivery of every event before it.
                if sequence < highest {
                    orderViolations.append(OrderViolation(conversation: conversation.name, sequence: sequence, after: highest))
                }
                highest = max(highest, sequence)
            }
            for sequence in 0..<count {
                if firstSeen.contains(sequence) {
                    delivered += 1
                } else if deadLetters.events.contains(SoakEvent(conversation: conversation.name, sequence: sequence)) {
                    deadLetteredUndelivered += 1
                } else {
                    lost.append(SoakEvent(conversation: conversation.name, sequence: sequence))
                }
            }
            unacknowledgedDeliveries += firstSeen.filter { $0 >= count }.count
        }
    }

    /// Conversations with at least one order violation.
    var conversationsOutOfOrder: Int { Set(orderViolations.map(\.conversation)).count }

    /// True when nothing was lost and every conversation received its events in order.
    var passed: Bool { lost.isEmpty && orderViolations.isEmpty }

    /// The one summary line.
    var summary: String {
        let webhooks = producedBySource[.webhook] ?? 0
        let kafka = producedBySource[.kafka] ?? 0
        let reasons = deadLetters.byReason.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
        let peak = String(format: "%.1f", Double(peakRSSKiB) / 1024)
        return "soak: \(passed ? "PASS" : "FAIL") produced=\(produced) (webhook=\(webhooks) kafka=\(kafka)) delivered=\(delivered)"
            + " lost=\(lost.count) duplicates=\(duplicates) order_violations=\(orderViolations.count)"
            + " (conversations=\(conversationsOutOfOrder)) dead_letters=\(deadLetters.total) [\(reasons.isEmpty ? "none" : reasons)]"
            + " peak_rss=\(peak)MiB"
    }
}
