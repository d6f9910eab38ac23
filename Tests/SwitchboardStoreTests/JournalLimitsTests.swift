import Foundation
import SwitchboardCore
import SwitchboardStore
import Testing

@Suite("Journal: bounded dead letters and dedup window")
struct JournalLimitsTests {
    let clock = ManualClock(startMillis: sampleNowMillis)

    /// A journal whose store clock is the manual clock.
    func open(_ directory: TemporaryDirectory, _ limits: StoreLimits) throws -> Journal {
        let clock = clock
        return try openJournal(directory, limits: limits, nowMillis: { clock.nowMillis() })
    }

    /// A dead letter recorded now (by the manual clock), with `body` to tell it apart.
    func letter(_ body: String) -> NewDeadLetter {
        var letter = sampleDeadLetter(reason: "no_event_id", body: body)
        letter.deadLetteredAtMillis = clock.nowMillis()
        return letter
    }

    func bodies(_ journal: Journal) throws -> [String] {
        try journal.deadLetters(limit: 1_000, integration: nil).map { String(decoding: $0.body, as: UTF8.self) }
    }

    @Test("past capacity the oldest dead letters are removed first, and every removal is counted")
    func capacityEvictsOldest() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let journal = try open(directory, StoreLimits(deadLetterCapacity: 3))
        for number in 0..<5 {
            _ = try await journal.addDeadLetter(letter("junk-\(number)"))
        }
        #expect(try journal.deadLetterCount() == 3)
        #expect(try bodies(journal) == ["junk-4", "junk-3", "junk-2"])
        #expect(try journal.deadLetterEvictions() == DeadLetterEvictions(capacity: 2, retention: 0))

        // An outcome fanning out into several dead letters goes through the same limit.
        let entry = try await journal.append(sampleEntry(1))
        try await journal.complete(entryID: entry, deadLetters: [letter("fan-a"), letter("fan-b")])
        #expect(try bodies(journal) == ["fan-b", "fan-a", "junk-4"])
        #expect(try journal.deadLetterEvictions().capacity == 4)
        journal.close()

        // The counts live in the file: a restart (or `switchboard dlq list`) sees them, and a lower capacity applies.
        let reopened = try open(directory, StoreLimits(deadLetterCapacity: 2))
        defer { reopened.close() }
        #expect(try reopened.deadLetterEvictions().capacity == 4)
        _ = try await reopened.addDeadLetter(letter("after-restart"))
        #expect(try bodies(reopened) == ["after-restart", "fan-b"])
        #expect(try reopened.deadLetterEvictions().capacity == 6)
    }

    @Test("dead letters removed by another process (the dlq CLI) are noticed, so nothing more is evicted")
    func otherWriterNoticed() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let running = try open(directory, StoreLimits(deadLetterCapacity: 3))
        defer { running.close() }
        var ids: [Int64] = []
        for number in 0..<3 { ids.append(try await running.addDeadLetter(letter("held-\(number)"))) }

        let cli = try open(directory, StoreLimits(deadLetterCapacity: 3))
        #expect(try await cli.removeDeadLetter(id: ids[0]))
        #expect(try await cli.removeDeadLetter(id: ids[1]))
        cli.close()

        _ = try await running.addDeadLetter(letter("new-0"))
        _ = try await running.addDeadLetter(letter("new-1"))
        #expect(try bodies(running) == ["new-1", "new-0", "held-2"])
        #expect(try running.deadLetterEvictions().total == 0)
    }

    @Test("dead letters older than the retention are removed on the writer's next step, by the injected clock")
    func retentionByClock() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let journal = try open(directory, StoreLimits(deadLetterRetention: .seconds(3600)))
        defer { journal.close() }
        _ = try await journal.addDeadLetter(letter("old"))
        clock.advance(by: .seconds(30 * 60))
        _ = try await journal.addDeadLetter(letter("younger"))
        #expect(try bodies(journal) == ["younger", "old"])

        clock.advance(by: .seconds(31 * 60))
        _ = try await journal.addDeadLetter(letter("newest"))
        #expect(try bodies(journal) == ["newest", "younger"])
        #expect(try journal.deadLetterEvictions() == DeadLetterEvictions(capacity: 0, retention: 1))
    }

    @Test("a large backlog is removed in chunks, at most one chunk per transaction, until none is left")
    func chunked() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let journal = try open(directory, StoreLimits(deadLetterRetention: .seconds(60), pruneChunk: 2))
        defer { journal.close() }
        for number in 0..<5 { _ = try await journal.addDeadLetter(letter("backlog-\(number)")) }
        clock.advance(by: .seconds(120))
        // The writer's idle passes (after a second without work) may remove further chunks between these steps on
        // a slow machine: the counts may only be lower, and every step removes at most one chunk of 2.
        try await journal.recordDelivered(identity: "stripe:evt_1", atMillis: clock.nowMillis())
        let afterFirst = try journal.deadLetterCount()
        // 5 minus whole chunks of 2 is odd, or 0 once idle passes took the last chunk too (seen in a parallel run
        // on a loaded machine); 2 or 4 left would mean rows removed other than in chunks of 2.
        #expect(afterFirst <= 3 && (afterFirst % 2 == 1 || afterFirst == 0), "not removed in chunks of 2: \(afterFirst) left")
        var step = 2
        while try journal.deadLetterCount() > 0, step < 10 {
            try await journal.recordDelivered(identity: "stripe:evt_\(step)", atMillis: clock.nowMillis())
            step += 1
        }
        #expect(try journal.deadLetterCount() == 0)
        #expect(try journal.deadLetterEvictions().retention == 5)
    }

    @Test("the dedup window is pruned continuously while running, not only at start-up")
    func dedupPrunedContinuously() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let journal = try open(directory, StoreLimits(dedupWindow: .seconds(3600)))
        defer { journal.close() }
        try await journal.recordDelivered(identity: "a", atMillis: clock.nowMillis())
        clock.advance(by: .seconds(30 * 60))
        try await journal.recordDelivered(identity: "b", atMillis: clock.nowMillis())
        clock.advance(by: .seconds(31 * 60))
        try await journal.recordDelivered(identity: "c", atMillis: clock.nowMillis())
        #expect(try journal.wasDelivered(identity: "a", sinceMillis: 0) == false)
        #expect(try journal.wasDelivered(identity: "b", sinceMillis: 0))

        clock.advance(by: .seconds(30 * 60))
        _ = try await journal.addDeadLetter(letter("any write"))
        #expect(try journal.wasDelivered(identity: "b", sinceMillis: 0) == false)
        #expect(try journal.wasDelivered(identity: "c", sinceMillis: 0))
    }

    @Test("journal entries without an outcome are never removed, however old and however full the dead letters")
    func journalEntriesKept() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let journal = try open(directory, StoreLimits(deadLetterCapacity: 1, deadLetterRetention: .seconds(60), dedupWindow: .seconds(60), pruneChunk: 1))
        defer { journal.close() }
        var entries: [Int64] = []
        for number in 0..<4 { entries.append(try await journal.append(sampleEntry(number))) }
        for round in 0..<6 {
            clock.advance(by: .seconds(100 * 86_400))
            _ = try await journal.addDeadLetter(letter("round-\(round)"))
            try await journal.recordDelivered(identity: "r\(round)", atMillis: clock.nowMillis())
        }
        #expect(try journal.pendingEntries().map(\.id) == entries)
        #expect(journal.depth == 4)
        #expect(try journal.deadLetterCount() == 1)
    }

    @Test("limits the store cannot work with are refused")
    func badLimits() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(throws: StoreError.self) { _ = try open(directory, StoreLimits(deadLetterCapacity: 0)) }
        #expect(throws: StoreError.self) { _ = try open(directory, StoreLimits(pruneChunk: 0)) }
    }
}
