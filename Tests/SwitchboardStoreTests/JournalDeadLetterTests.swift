import Foundation
import SwitchboardStore
import Testing

@Suite("Journal: dead letters")
struct JournalDeadLetterTests {
    @Test("dead letters list newest first, filter by integration, show by id, and can be removed")
    func listShowRemove() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let journal = try openJournal(directory)
        defer { journal.close() }
        let a = try await journal.addDeadLetter(sampleDeadLetter(integration: "payments", body: "a"))
        let b = try await journal.addDeadLetter(sampleDeadLetter(integration: "bookings", body: "b"))
        let c = try await journal.addDeadLetter(sampleDeadLetter(integration: "payments", body: "c"))

        #expect(try journal.deadLetters(limit: 10, integration: nil).map(\.id) == [c, b, a])
        #expect(try journal.deadLetters(limit: 2, integration: nil).map(\.id) == [c, b])
        #expect(try journal.deadLetters(limit: 10, integration: "payments").map(\.id) == [c, a])
        #expect(try journal.deadLetters(limit: 0, integration: nil).isEmpty)
        #expect(try journal.deadLetter(id: b)?.body == Array("b".utf8))
        #expect(try journal.deadLetter(id: c + 100) == nil)
        #expect(try journal.deadLetterCount() == 3)

        #expect(try await journal.removeDeadLetter(id: b))
        #expect(try await journal.removeDeadLetter(id: b) == false)
        #expect(try journal.deadLetter(id: b) == nil)
        #expect(try journal.deadLetterCount() == 2)
    }

    @Test("a second Journal on the same directory reads dead letters while the first keeps writing")
    func secondJournalReadsWhileFirstIsOpen() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let running = try openJournal(directory)
        defer { running.close() }
        let entry = try await running.append(sampleEntry(1))
        let letter = sampleDeadLetter(reason: "expired")
        try await running.complete(entryID: entry, deadLetter: letter)

        let cli = try openJournal(directory)
        defer { cli.close() }
        #expect(try cli.deadLetters(limit: 10, integration: nil).map(\.letter) == [letter])

        _ = try await running.addDeadLetter(sampleDeadLetter(reason: "rejected"))
        _ = try await running.append(sampleEntry(2))
        #expect(try cli.deadLetterCount() == 2)
        #expect(try cli.deadLetters(limit: 1, integration: nil).first?.reason == "rejected")
    }
}
