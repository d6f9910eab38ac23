import Foundation
import SwitchboardStore
import Testing

@Suite("Journal: durability, outcomes, grouping, capacity, shutdown")
struct JournalTests {
    @Test("an appended event survives close and reopen, byte for byte, and counts toward depth")
    func appendSurvivesReopen() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let entry = NewJournalEntry(
            integration: "bookings-ü",
            route: "crm",
            receivedAtMillis: 1_700_000_123_456,
            metadata: [],
            body: (0...255).map { UInt8($0) }
        )

        let journal = try openJournal(directory)
        let id = try await journal.append(entry)
        #expect(journal.depth == 1)
        journal.close()

        let reopened = try openJournal(directory)
        defer { reopened.close() }
        let pending = try reopened.pendingEntries()
        #expect(
            pending == [
                JournalEntry(
                    id: id,
                    integration: entry.integration,
                    route: entry.route,
                    receivedAtMillis: entry.receivedAtMillis,
                    metadata: entry.metadata,
                    body: entry.body
                )
            ]
        )
        #expect(reopened.depth == 1)
    }

    @Test("complete removes the entry and stores its dead letter in the same commit; ids are never reused")
    func completeStoresDeadLetter() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let journal = try openJournal(directory)
        let first = try await journal.append(sampleEntry(1))
        let second = try await journal.append(sampleEntry(2))
        var letter = sampleDeadLetter()
        letter.lastStatus = nil
        letter.correlationID = nil
        letter.metadata = []

        try await journal.complete(entryID: first, deadLetter: letter)
        #expect(journal.depth == 1)
        #expect(try journal.pendingEntries().map(\.id) == [second])
        let stored = try journal.deadLetters(limit: 10, integration: nil)
        #expect(stored.map(\.letter) == [letter])

        try await journal.complete(entryID: second, deadLetter: nil)
        #expect(journal.depth == 0)
        #expect(try journal.deadLetterCount() == 1)
        journal.close()

        let reopened = try openJournal(directory)
        defer { reopened.close() }
        #expect(try reopened.pendingEntries().isEmpty)
        #expect(try reopened.deadLetters(limit: 10, integration: nil).map(\.letter) == [letter])
        let third = try await reopened.append(sampleEntry(3))
        #expect(third > second)
    }

    @Test("complete(entryIDs:) removes a group of entries in one write, gives back their room, and survives reopen")
    func completeGroup() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let journal = try openJournal(directory)
        var ids: [Int64] = []
        for index in 0..<5 { ids.append(try await journal.append(sampleEntry(index))) }
        let before = journal.committedTransactions
        // An id already completed (or never there) deletes nothing and frees no room.
        try await journal.complete(entryIDs: [ids[0], ids[2], ids[4], ids[4], 999_999])
        #expect(journal.committedTransactions == before + 1)
        #expect(journal.depth == 2)
        journal.close()

        let reopened = try openJournal(directory)
        defer { reopened.close() }
        #expect(try reopened.pendingEntries().map(\.id) == [ids[1], ids[3]])
        #expect(reopened.depth == 2)
    }

    @Test("2,000 concurrent appends get distinct ids, are all pending, and share transactions", .timeLimit(.minutes(1)))
    func concurrentAppendsAreGroupCommitted() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let journal = try openJournal(directory)
        defer { journal.close() }
        let count = 2_000

        // Another connection holds the write lock, so every append queues up behind the writer's first transaction.
        let holder = try WriteLockHolder(path: journal.path)
        let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
            for number in 0..<count {
                group.addTask { try await journal.append(sampleEntry(number)) }
            }
            while journal.depth < count {
                try await Task.sleep(for: .milliseconds(1))
            }
            holder.release()
            var ids: [Int64] = []
            for try await id in group {
                ids.append(id)
            }
            return ids
        }

        #expect(Set(ids).count == count)
        #expect(Set(try journal.pendingEntries().map(\.id)) == Set(ids))
        #expect(journal.depth == count)
        #expect(journal.committedTransactions <= 2)
    }

    @Test("appending past capacity throws .full, and a recorded outcome makes room again")
    func capacityIsEnforced() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let journal = try openJournal(directory, capacity: 2)
        defer { journal.close() }
        let first = try await journal.append(sampleEntry(1))
        _ = try await journal.append(sampleEntry(2))

        do {
            _ = try await journal.append(sampleEntry(3))
            Issue.record("a third append into a journal of capacity 2 succeeded")
        } catch {
            #expect(error.code == .full)
            #expect(error.message.contains("capacity 2"))
        }
        #expect(try journal.pendingEntries().count == 2)

        try await journal.complete(entryID: first, deadLetter: nil)
        _ = try await journal.append(sampleEntry(4))
        #expect(journal.depth == 2)
    }

    @Test("after close, writes and reads throw .closed and close can be called again")
    func closedJournalRefusesWork() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let journal = try openJournal(directory)
        let id = try await journal.append(sampleEntry(1))
        journal.close()
        journal.close()

        do {
            _ = try await journal.append(sampleEntry(2))
            Issue.record("append after close succeeded")
        } catch {
            #expect(error.code == .closed)
        }
        do {
            try await journal.complete(entryID: id, deadLetter: nil)
            Issue.record("complete after close succeeded")
        } catch {
            #expect(error.code == .closed)
        }
        #expect(throws: StoreError.self) { try journal.pendingEntries() }
    }

    @Test(
        "close finishes queued appends: every append that returned an id is still there after reopening",
        .timeLimit(.minutes(1))
    )
    func closeKeepsEveryAcknowledgedAppend() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let journal = try openJournal(directory)
        let holder = try WriteLockHolder(path: journal.path)

        let results = await withTaskGroup(of: Result<Int64, StoreError>.self) { group in
            for number in 0..<200 {
                group.addTask {
                    do throws(StoreError) {
                        return .success(try await journal.append(sampleEntry(number)))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            while journal.depth < 200 {
                try? await Task.sleep(for: .milliseconds(1))
            }
            // Close while all 200 are still queued behind the lock; close must commit them, not drop them.
            // close() blocks, so it runs on its own thread rather than on the cooperative pool.
            await withCheckedContinuation { (closed: CheckedContinuation<Void, Never>) in
                Thread {
                    journal.close()
                    closed.resume()
                }.start()
                while !journal.isClosed {
                    Thread.sleep(forTimeInterval: 0.001)
                }
                holder.release()
            }
            var results: [Result<Int64, StoreError>] = []
            for await result in group {
                results.append(result)
            }
            return results
        }

        let acknowledged = Set(results.compactMap { try? $0.get() })
        #expect(acknowledged.count == 200)
        #expect(journal.isClosed)
        let reopened = try openJournal(directory)
        defer { reopened.close() }
        #expect(Set(try reopened.pendingEntries().map(\.id)) == acknowledged)
    }
}
