import Foundation
import Synchronization

/// The hand-off between async callers and the writer thread: a locked queue, a wake-up signal and the journal's counters.
///
/// Callers append requests under the lock and wake the writer only when it is asleep; the writer
/// swaps the whole queue out in one step, so every request that arrived while the previous
/// transaction was being committed lands in the next transaction (group commit).
final class WriterChannel: Sendable {
    private struct State {
        var queue: [WriteRequest] = []
        var accepting = true
        var writerAsleep = false
        /// Entries without an outcome, counting appends that are queued but not yet committed.
        var depth = 0
        var committedTransactions = 0
        var openResult: Result<Int, StoreError>?
    }

    private enum Submission {
        case queued
        case queuedWakingWriter
        case rejectedClosed
        case rejectedFull
    }

    private enum WriterStep {
        case work
        case sleep
        case stop
    }

    /// Why the writer woke up.
    enum WriterWake {
        /// Requests are in the batch.
        case batch
        /// Nothing arrived for the idle interval: time for background work such as pruning.
        case idle
        /// The journal is closing and the queue is drained.
        case stop
    }

    /// The database file, for error messages.
    let path: String
    /// The most entries allowed without an outcome.
    let capacity: Int

    private let state: Mutex<State>
    private let wakeup = DispatchSemaphore(value: 0)
    private let opened = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    init(path: String, capacity: Int) {
        self.path = path
        self.capacity = capacity
        self.state = Mutex(State())
    }

    // MARK: Caller side

    /// Queues a write, or answers at once with `.closed` / `.full`; never blocks on the database.
    func submit(_ operation: WriteOperation, continuation: UnsafeContinuation<WriteOutcome, Never>) {
        let isAppend: Bool
        if case .append = operation {
            isAppend = true
        } else {
            isAppend = false
        }
        let submission = state.withLock { state -> Submission in
            guard state.accepting else { return .rejectedClosed }
            if isAppend {
                guard state.depth < capacity else { return .rejectedFull }
                state.depth += 1
            }
            state.queue.append(WriteRequest(operation: operation, continuation: continuation))
            guard state.writerAsleep else { return .queued }
            state.writerAsleep = false
            return .queuedWakingWriter
        }
        switch submission {
        case .queued:
            break
        case .queuedWakingWriter:
            wakeup.signal()
        case .rejectedClosed:
            continuation.resume(returning: .failure(.closed(path: path)))
        case .rejectedFull:
            continuation.resume(returning: .failure(.full(path: path, capacity: capacity)))
        }
    }

    /// Entries without an outcome right now.
    var depth: Int {
        state.withLock { $0.depth }
    }

    /// Transactions the writer has committed since the journal was opened.
    var committedTransactions: Int {
        state.withLock { $0.committedTransactions }
    }

    /// Whether `close()` has started.
    var isAccepting: Bool {
        state.withLock { $0.accepting }
    }

    /// Waits for the writer thread to report whether it opened the database; returns the pending count.
    func waitUntilOpened() -> Result<Int, StoreError> {
        opened.wait()
        return state.withLock { state in
            state.openResult ?? .failure(.closed(path: path))
        }
    }

    /// Stops accepting writes and wakes the writer so it drains the queue and exits. Returns true the first time.
    @discardableResult
    func stopAccepting() -> Bool {
        let (first, wake) = state.withLock { state -> (Bool, Bool) in
            let first = state.accepting
            state.accepting = false
            let wake = state.writerAsleep
            state.writerAsleep = false
            return (first, wake)
        }
        if wake {
            wakeup.signal()
        }
        return first
    }

    /// Blocks until the writer thread has closed its connection and ended.
    func waitUntilFinished() {
        finished.wait()
        // Pass the signal on, so every caller of close() returns once the thread is gone.
        finished.signal()
    }

    // MARK: Writer side

    /// Called once by the writer thread after opening the database (or failing to).
    func reportOpened(_ result: Result<Int, StoreError>) {
        state.withLock { state in
            if case .success(let pending) = result {
                state.depth = pending
            }
            state.openResult = result
        }
        opened.signal()
    }

    /// Called once by the writer thread as its very last action.
    func reportFinished() {
        finished.signal()
    }

    /// Moves every queued request into `batch` (which must be empty), sleeping while there is none; after
    /// `idleTimeout` of sleep without work it returns `.idle`. Returns `.stop` once closing and drained.
    func waitForBatch(into batch: inout [WriteRequest], idleTimeout: DispatchTimeInterval) -> WriterWake {
        while true {
            let step = state.withLock { state -> WriterStep in
                if !state.queue.isEmpty {
                    swap(&state.queue, &batch)
                    return .work
                }
                guard state.accepting else { return .stop }
                state.writerAsleep = true
                return .sleep
            }
            switch step {
            case .work:
                return .batch
            case .stop:
                return .stop
            case .sleep:
                guard wakeup.wait(timeout: .now() + idleTimeout) == .timedOut else { continue }
                let idle = state.withLock { state -> Bool in
                    // A submitter that saw the writer asleep has signalled (or is about to): go and take its work.
                    guard state.writerAsleep else { return false }
                    state.writerAsleep = false
                    return true
                }
                if idle { return .idle }
            }
        }
    }

    /// Whether requests are waiting (idle work stops early for them).
    var hasQueuedWork: Bool {
        state.withLock { !$0.queue.isEmpty }
    }

    /// Records a finished transaction: adjusts the depth, counts the commit, then answers every waiter.
    func answer(_ batch: [WriteRequest], with outcomes: [WriteOutcome], released: Int, committed: Bool) {
        state.withLock { state in
            state.depth = max(0, state.depth - released)
            if committed {
                state.committedTransactions += 1
            }
        }
        for (request, outcome) in zip(batch, outcomes) {
            request.continuation.resume(returning: outcome)
        }
    }
}
