import Foundation
import SwitchboardStore
import Testing

@Suite("Journal: dead letters selected by integration, reason and time, a page at a time")
struct JournalDeadLetterFilterTests {
    /// Dead letters of two integrations and two reasons, one per hour back from the store's clock.
    static func seed(_ journal: Journal) async throws -> [Int64] {
        var ids: [Int64] = []
        for hour in (0..<6).reversed() {
            var letter = sampleDeadLetter(integration: hour % 2 == 0 ? "payments" : "bookings", reason: hour < 3 ? "rejected" : "expired", body: "\(hour)")
            letter.deadLetteredAtMillis = sampleNowMillis - Int64(hour) * 3_600_000
            ids.append(try await journal.addDeadLetter(letter))
        }
        return ids
    }

    @Test("a filter selects by integration, reason and time in SQL; pages follow the cursor both ways")
    func filtersAndPages() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let journal = try openJournal(directory)
        defer { journal.close() }
        // ids[0] is 5 hours old, ids[5] is now.
        let ids = try await Self.seed(journal)

        let all = DeadLetterFilter()
        #expect(all.selectsAll)
        #expect(try journal.deadLetterCount(matching: all) == 6)
        #expect(try journal.deadLetters(matching: all, order: .newestFirst, after: nil, limit: 4).map(\.id) == Array(ids.reversed().prefix(4)))
        #expect(try journal.deadLetters(matching: all, order: .newestFirst, after: ids[2], limit: 4).map(\.id) == [ids[1], ids[0]])
        #expect(try journal.deadLetters(matching: all, order: .oldestFirst, after: nil, limit: 2).map(\.id) == [ids[0], ids[1]])
        #expect(try journal.deadLetters(matching: all, order: .oldestFirst, after: ids[1], limit: 2).map(\.id) == [ids[2], ids[3]])

        let payments = DeadLetterFilter(integration: "payments")
        #expect(!payments.selectsAll)
        #expect(try journal.deadLetters(matching: payments, order: .oldestFirst, after: nil, limit: 10).map(\.id) == [ids[1], ids[3], ids[5]])
        let rejected = DeadLetterFilter(reason: "rejected")
        #expect(try journal.deadLetterCount(matching: rejected) == 3)
        let recent = DeadLetterFilter(sinceMillis: sampleNowMillis - 2 * 3_600_000)
        #expect(try journal.deadLetters(matching: recent, order: .newestFirst, after: nil, limit: 10).map(\.id) == [ids[5], ids[4], ids[3]])
        let combined = DeadLetterFilter(integration: "bookings", reason: "expired", sinceMillis: sampleNowMillis - 4 * 3_600_000)
        #expect(try journal.deadLetters(matching: combined, order: .oldestFirst, after: nil, limit: 10).map(\.id) == [ids[2]])
        let through = DeadLetterFilter(throughID: ids[1])
        #expect(try journal.deadLetterCount(matching: through) == 2)
        #expect(try journal.deadLetters(matching: DeadLetterFilter(integration: "nobody"), order: .newestFirst, after: nil, limit: 10).isEmpty)
        // The old listing still works.
        #expect(try journal.deadLetters(limit: 2, integration: "bookings").map(\.id) == [ids[4], ids[2]])
    }

    @Test("removing by filter deletes only what it selects, a bounded chunk per call, never past throughID")
    func removeMatching() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let journal = try openJournal(directory)
        defer { journal.close() }
        let ids = try await Self.seed(journal)

        let rejected = DeadLetterFilter(reason: "rejected", throughID: ids[5])
        #expect(try await journal.removeDeadLetters(matching: rejected, limit: 2) == 2)
        #expect(try await journal.removeDeadLetters(matching: rejected, limit: 2) == 1)
        #expect(try await journal.removeDeadLetters(matching: rejected, limit: 2) == 0)
        #expect(try journal.deadLetters(matching: DeadLetterFilter(), order: .oldestFirst, after: nil, limit: 10).map(\.reason) == ["expired", "expired", "expired"])

        let later = try await journal.addDeadLetter(sampleDeadLetter(reason: "expired"))
        let upToNow = DeadLetterFilter(throughID: ids[5])
        #expect(try await journal.removeDeadLetters(matching: upToNow, limit: 100) == 3)
        #expect(try journal.deadLetters(matching: DeadLetterFilter(), order: .oldestFirst, after: nil, limit: 10).map(\.id) == [later])
        #expect(try journal.deadLetterCount() == 1)
    }

    @Test("a dead letter is replaced by others in one step, and not at all once it is gone")
    func replace() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let journal = try openJournal(directory)
        defer { journal.close() }
        let whole = try await journal.addDeadLetter(sampleDeadLetter(reason: "no_event_id", body: "batch"))
        let parts = [sampleDeadLetter(reason: "rejected", body: "part 2"), sampleDeadLetter(reason: "rejected", body: "part 3")]

        #expect(try await journal.replaceDeadLetter(id: whole, with: parts))
        let stored = try journal.deadLetters(matching: DeadLetterFilter(), order: .oldestFirst, after: nil, limit: 10)
        #expect(stored.map(\.letter) == parts)
        #expect(stored.allSatisfy { $0.id > whole })

        #expect(try await journal.replaceDeadLetter(id: whole, with: parts) == false)
        #expect(try journal.deadLetterCount() == 2)
    }
}
