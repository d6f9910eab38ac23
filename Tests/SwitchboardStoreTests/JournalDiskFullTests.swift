import Foundation
import SwitchboardStore
import Testing

/// A full disk staged with `PRAGMA max_page_count` on the writer's connection (`Journal.setMaxPageCount`).
@Suite("Journal: a full disk")
struct JournalDiskFullTests {
    static func bigEntry(_ number: Int) -> NewJournalEntry {
        NewJournalEntry(
            integration: "payments", route: "stripe-webhook", receivedAtMillis: 1_700_000_000_000 + Int64(number),
            metadata: [], body: [UInt8](repeating: UInt8(ascii: "a"), count: 64 * 1024)
        )
    }

    @Test("a full disk fails writes with .diskFull, keeps every acknowledged entry, and takes writes again once space returns")
    func fullDiskAndBack() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let journal = try openJournal(directory)
        var acknowledged: [Int64] = []
        for number in 0..<5 {
            acknowledged.append(try await journal.append(sampleEntry(number)))
        }

        // The file may not grow any more: appends fill what free pages it has, then fail.
        _ = try await journal.setMaxPageCount(1)
        var refusal: StoreError?
        for number in 0..<256 {
            do {
                acknowledged.append(try await journal.append(Self.bigEntry(number)))
            } catch {
                refusal = error
                break
            }
        }
        let error = try #require(refusal, "256 appends of 64 KiB fitted into a database that may not grow")
        #expect(error.code == .diskFull)
        #expect(error.message.contains(journal.path))
        #expect(error.message.contains("free space"))

        // Callers waiting together (one batch, or several) each get the error; none is told it was stored.
        let codes = await withTaskGroup(of: StoreError.Code?.self) { group in
            for number in 0..<8 {
                group.addTask {
                    do {
                        _ = try await journal.append(Self.bigEntry(1_000 + number))
                        return nil
                    } catch let error as StoreError {
                        return error.code
                    } catch {
                        return nil
                    }
                }
            }
            var codes: [StoreError.Code?] = []
            for await code in group { codes.append(code) }
            return codes
        }
        #expect(codes == Array(repeating: .diskFull, count: 8))
        #expect(journal.depth == acknowledged.count)

        // An outcome whose dead letter does not fit leaves its entry in place (never deleted without it).
        let deadLetter = sampleDeadLetter(body: String(repeating: "b", count: 64 * 1024))
        do {
            try await journal.complete(entryID: acknowledged[0], deadLetter: deadLetter)
            Issue.record("a 64 KiB dead letter was stored on a full disk")
        } catch {
            #expect(error.code == .diskFull)
        }
        #expect(try journal.pendingEntries().map(\.id) == acknowledged)
        #expect(try journal.deadLetterCount() == 0)

        // Space comes back: the same journal takes writes again, without reopening.
        #expect(try await journal.setMaxPageCount(1_073_741_823) > 1)
        let afterwards = try await journal.append(Self.bigEntry(2_000))
        try await journal.complete(entryID: acknowledged[0], deadLetter: deadLetter)
        let expected = Array(acknowledged.dropFirst()) + [afterwards]
        #expect(try journal.pendingEntries().map(\.id) == expected)
        #expect(try journal.deadLetterCount() == 1)
        journal.close()

        let reopened = try openJournal(directory)
        defer { reopened.close() }
        #expect(try reopened.pendingEntries().map(\.id) == expected)
        #expect(try reopened.deadLetters(limit: 10, integration: nil).map(\.letter) == [deadLetter])
    }
}
