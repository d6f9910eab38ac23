import Synchronization

/// A clock that moves only when told to: tests advance it and see exactly which waits were asked for.
public final class ManualClock: DeliveryClock {
    private struct Sleeper {
        var id: UInt64
        var deadline: Int64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Int64
        var nextID: UInt64 = 0
        var sleepers: [Sleeper] = []
        var requested: [Duration] = []
    }

    private let state: Mutex<State>

    /// Starts at `startMillis` (wall-clock milliseconds).
    public init(startMillis: Int64 = 1_800_000_000_000) {
        state = Mutex(State(now: startMillis))
    }

    public func nowMillis() -> Int64 { state.withLock { $0.now } }

    /// Every sleep asked for so far, in order.
    public var requestedSleeps: [Duration] { state.withLock { $0.requested } }

    /// How many tasks are sleeping now.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    public func sleep(for duration: Duration) async throws {
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow = state.withLock { state -> Bool in
                    state.requested.append(duration)
                    if Task.isCancelled { return true }
                    if duration <= .zero { return true }
                    state.sleepers.append(Sleeper(id: id, deadline: state.now + duration.milliseconds, continuation: continuation))
                    return false
                }
                if resumeNow {
                    if Task.isCancelled { continuation.resume(throwing: CancellationError()) } else { continuation.resume() }
                }
            }
        } onCancel: {
            let cancelled = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            cancelled?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward and wakes every sleeper whose deadline has come.
    public func advance(by duration: Duration) {
        let due = state.withLock { state -> [Sleeper] in
            state.now += duration.milliseconds
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Waits (in real time, yielding) until at least `count` tasks sleep on this clock.
    public func waitForSleepers(_ count: Int = 1) async {
        while sleeperCount < count {
            try? await Task.sleep(for: .milliseconds(1))
        }
    }
}
