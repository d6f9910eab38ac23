import Foundation
import Logging

/// Starts the one thread that writes to the journal: a real `Thread`, so fsync never blocks Swift's cooperative pool.
enum WriterThread {
    /// Starts the thread; it opens the database, reports through `channel`, then serves batches until closed.
    static func start(channel: WriterChannel, busyTimeoutMillis: Int32, logger: Logger) {
        let thread = Thread {
            run(channel: channel, busyTimeoutMillis: busyTimeoutMillis, logger: logger)
        }
        thread.name = "switchboard.journal-writer"
        thread.start()
    }

    private static func run(channel: WriterChannel, busyTimeoutMillis: Int32, logger: Logger) {
        let session: WriterSession
        do throws(StoreError) {
            session = try WriterSession(path: channel.path, busyTimeoutMillis: busyTimeoutMillis, logger: logger)
        } catch {
            channel.reportOpened(.failure(error))
            channel.reportFinished()
            return
        }
        channel.reportOpened(.success(session.pendingAtOpen))

        var batch: [WriteRequest] = []
        var outcomes: [WriteOutcome] = []
        batch.reserveCapacity(256)
        outcomes.reserveCapacity(256)
        while channel.waitForBatch(into: &batch) {
            let committed = session.apply(batch, outcomes: &outcomes)
            channel.answer(batch, with: outcomes, released: released(by: batch, outcomes: outcomes), committed: committed)
            batch.removeAll(keepingCapacity: true)
        }
        session.close()
        logger.debug("journal writer stopped", metadata: [StoreLogKey.path: "\(channel.path)"])
        channel.reportFinished()
    }

    /// How many journal slots the batch gave back: failed appends release their reservation,
    /// recorded outcomes release the entry they deleted.
    private static func released(by batch: [WriteRequest], outcomes: [WriteOutcome]) -> Int {
        var released = 0
        for (request, outcome) in zip(batch, outcomes) {
            switch (request.operation, outcome) {
            case (.append, .failure):
                released += 1
            case (.complete, .success(let deleted)):
                released += Int(deleted)
            default:
                break
            }
        }
        return released
    }
}
