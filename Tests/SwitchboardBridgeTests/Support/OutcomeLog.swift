import Synchronization
import SwitchboardCore

/// Collects outcomes reported by delivery lanes.
final class OutcomeLog: Sendable {
    struct Entry: Sendable {
        var eventID: String
        var body: String
        var outcome: DeliveryOutcome
    }

    private let entries = Mutex<[Entry]>([])

    var all: [Entry] { entries.withLock { $0 } }

    func record(_ delivery: Delivery, _ outcome: DeliveryOutcome) {
        entries.withLock { $0.append(Entry(eventID: delivery.event.eventID, body: String(decoding: delivery.event.body, as: UTF8.self), outcome: outcome)) }
    }

    func waitFor(_ count: Int, seconds: Double = 20) async -> Bool {
        await waitUntil(seconds: seconds) { self.all.count >= count }
    }
}
