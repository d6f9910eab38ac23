import Foundation
import Logging

/// Starts the one thread that writes to the journal: a real `Thread`, so fsync never blocks Swift's cooperative pool.
enum WriterThread {
    /// How long the writer sleeps without work before it looks for pruning to do (real time; whether pruning is
    /// due is decided by the store's clock).
    static let idleTimeout = DispatchTimeInterval.seconds(1)
    /// The most pruning steps one idle wake-up runs back to back (each its own short transaction).
    static let idleSteps = 16

    /// Starts the thread; it opens the database, reports through `channel`, then serves batches until closed.
    static func start(
        channel: WriterChannel, busyTimeoutMillis: Int32, limits: StoreLimits, nowMillis: @escaping @Sendable () -> Int64, logger: Logger
    ) {
        let thread = Thread {
            run(channel: channel, busyTimeoutMillis: busyTimeoutMillis, limits: limits, nowMillis: nowMillis, logger: logger)
        }
        thread.name = "switchboard.journal-writer"
        thread.start()
    }

    private static func run(
        channel: WriterChannel, busyTimeoutMillis: Int32, limits: StoreLimits, nowMillis: @escaping @Sendable () -> Int64, logger: Logger
    ) {
        let session: WriterSession
        do throws(StoreError) {
            session = try WriterSession(
                path: channel.path, busyTimeoutMillis: busyTimeoutMillis, limits: limits, nowMillis: nowMillis, logger: logger
            )
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
        serving: while true {
            switch channel.waitForBatch(into: &batch, idleTimeout: idleTimeout) {
            case .batch:
                let committed = session.apply(batch, outcomes: &outcomes)
                channel.answer(batch, with: outcomes, released: released(by: batch, outcomes: outcomes), committed: committed)
                batch.removeAll(keepingCapacity: true)
            case .idle:
                var steps = 0
                while session.pruneWhileIdle(), steps < idleSteps, !channel.hasQueuedWork {
                    steps += 1
                }
            case .stop:
                break serving
            }
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
            case (.complete, .success(let deleted)), (.completeDelivered, .success(let deleted)):
                released += Int(deleted)
            default:
                break
            }
        }
        return released
    }
}
