import Foundation
import SwitchboardStore
import Testing

@Suite("Journal: delivery window (dedup)")
struct JournalDeliveredTests {
    @Test("a recorded identity is found within the window, not before it, and forgotten after pruning")
    func recordCheckPrune() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let journal = try openJournal(directory)
        defer { journal.close() }
        let kafka = "kafka:orders/3/1042"
        let stripe = "stripe:evt_123"

        try await journal.recordDelivered(identity: kafka, atMillis: 1_000)
        #expect(try journal.wasDelivered(identity: kafka, sinceMillis: 500))
        #expect(try journal.wasDelivered(identity: kafka, sinceMillis: 1_000))
        #expect(try journal.wasDelivered(identity: kafka, sinceMillis: 1_001) == false)
        #expect(try journal.wasDelivered(identity: stripe, sinceMillis: 0) == false)

        // A late, older record must not move the delivery back in time.
        try await journal.recordDelivered(identity: kafka, atMillis: 900)
        #expect(try journal.wasDelivered(identity: kafka, sinceMillis: 950))

        try await journal.recordDelivered(identity: stripe, atMillis: 5_000)
        #expect(try await journal.pruneDelivered(olderThanMillis: 2_000) == 1)
        #expect(try journal.wasDelivered(identity: kafka, sinceMillis: 0) == false)
        #expect(try journal.wasDelivered(identity: stripe, sinceMillis: 0))
    }
}
