import Foundation
import SwitchboardStore
import Testing

@Suite("Journal: failures are clear errors, never crashes")
struct JournalErrorTests {
    @Test("a journal file full of garbage gives a .corrupt error naming the file")
    func garbageFileIsCorrupt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/journal.sqlite"
        let garbage = Data((0..<8_192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        try garbage.write(to: URL(fileURLWithPath: path))

        do {
            let journal = try openJournal(directory)
            journal.close()
            Issue.record("a garbage file opened as a journal")
        } catch {
            #expect(error.code == .corrupt)
            #expect(error.message.contains(path))
            #expect(error.description == error.message)
        }
    }

    @Test("a write that cannot get the lock in time fails with .busy, frees its slot, and the next one succeeds")
    func lockedDatabaseFailsTheBatch() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let journal = try openJournal(directory, busyTimeoutMillis: 0)
        defer { journal.close() }
        let holder = try WriteLockHolder(path: journal.path)

        do {
            _ = try await journal.append(sampleEntry(1))
            Issue.record("append succeeded while another connection held the write lock")
        } catch {
            #expect(error.code == .busy)
            #expect(error.message.contains(journal.path))
        }
        #expect(journal.depth == 0)

        holder.release()
        let id = try await journal.append(sampleEntry(2))
        #expect(try journal.pendingEntries().map(\.id) == [id])
    }

    @Test("a capacity below 1 and a directory that is a file are refused with specific errors")
    func badArgumentsAreRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            _ = try openJournal(directory, capacity: 0)
            Issue.record("capacity 0 was accepted")
        } catch {
            #expect(error.code == .invalidArgument)
        }

        let file = directory.path + "/not-a-directory"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        do {
            _ = try Journal(directory: file, capacity: 10, logger: testLogger)
            Issue.record("a file was accepted as the journal directory")
        } catch {
            #expect(error.code == .cannotOpen)
            #expect(error.message.contains(file))
        }
    }

    @Test("a missing directory is created")
    func missingDirectoryIsCreated() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let nested = directory.path + "/a/b"
        let journal = try Journal(directory: nested, capacity: 10, logger: testLogger)
        defer { journal.close() }
        _ = try await journal.append(sampleEntry(1))
        #expect(FileManager.default.fileExists(atPath: nested + "/journal.sqlite"))
    }
}
