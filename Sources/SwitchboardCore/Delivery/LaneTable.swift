import DequeModule

/// The lanes of one integration and the workers waiting for one: a state machine guarded by `DeliveryLanes`' mutex.
///
/// A lane is `ready` (waiting for a worker, in `ready`), `busy` (a worker is attempting its first event) or
/// `sleeping` (waiting for a retry). Only one worker ever holds a lane, which is what keeps per-key order.
struct LaneTable {
    enum Phase {
        case ready, busy, sleeping
    }

    struct Lane {
        var queue: Deque<Delivery>
        var phase: Phase
        var attempts = 0
        var lastRecord: DeliveryOutcome.Attempt?
        var lastKeyRejected = false
        var timer: Task<Void, Never>?
    }

    /// What the worker needs to know about previous attempts of the lane's first event.
    struct Previous {
        var attempts: Int
        var attemptRecord: DeliveryOutcome.Attempt?
        var lastKeyRejected: Bool
    }

    private(set) var lanes: [String: Lane] = [:]
    private var ready: Deque<String> = []
    private var idleWorkers: Deque<CheckedContinuation<String?, Never>> = []
    private(set) var backlog = 0
    private(set) var stopping = false

    /// Adds an event to its lane; returns a parked worker to hand a newly ready lane to.
    mutating func enqueue(_ delivery: Delivery) -> CheckedContinuation<String?, Never>? {
        backlog += 1
        let key = delivery.event.laneKey
        if lanes[key] != nil {
            lanes[key]!.queue.append(delivery)
            return nil
        }
        lanes[key] = Lane(queue: [delivery], phase: .ready)
        return makeReady(key)
    }

    /// Gives the caller a ready lane (now busy), or parks it until one is ready. Nil when stopping.
    mutating func takeReadyLane(orPark worker: CheckedContinuation<String?, Never>) -> String?? {
        if stopping { return .some(nil) }
        if let key = ready.popFirst() {
            lanes[key]?.phase = .busy
            return .some(key)
        }
        idleWorkers.append(worker)
        return .none
    }

    /// The first event of a busy lane and what happened to it so far.
    func head(of key: String) -> (Delivery, Previous)? {
        guard let lane = lanes[key], let first = lane.queue.first else { return nil }
        return (first, Previous(attempts: lane.attempts, attemptRecord: lane.lastRecord, lastKeyRejected: lane.lastKeyRejected))
    }

    /// The lane's first event has its outcome: the next event (if any) becomes ready.
    mutating func pop(_ key: String) -> CheckedContinuation<String?, Never>? {
        guard var lane = lanes[key] else { return nil }
        lane.queue.removeFirst()
        backlog -= 1
        lane.attempts = 0
        lane.lastRecord = nil
        lane.lastKeyRejected = false
        if lane.queue.isEmpty {
            lanes[key] = nil
            return nil
        }
        lane.phase = .ready
        lanes[key] = lane
        return makeReady(key)
    }

    /// The lane's first event waits for a retry; false when stopping (no timer should start).
    mutating func sleep(_ key: String, record: DeliveryOutcome.Attempt, keyRejected: Bool) -> Bool {
        guard !stopping, lanes[key] != nil else { return false }
        lanes[key]!.attempts = record.attempts
        lanes[key]!.lastRecord = record
        lanes[key]!.lastKeyRejected = keyRejected
        lanes[key]!.phase = .sleeping
        return true
    }

    /// Keeps the retry timer so a stop can cancel it; false when it should be cancelled now.
    mutating func attach(_ timer: Task<Void, Never>, to key: String) -> Bool {
        guard !stopping else { return false }
        if lanes[key]?.phase == .sleeping { lanes[key]!.timer = timer }
        return true
    }

    /// A retry timer fired: the lane is ready again.
    mutating func wake(_ key: String) -> CheckedContinuation<String?, Never>? {
        guard !stopping, lanes[key]?.phase == .sleeping else { return nil }
        lanes[key]!.timer = nil
        lanes[key]!.phase = .ready
        return makeReady(key)
    }

    /// Stops everything: returns the parked workers (to resume with nil) and the timers (to cancel).
    mutating func stop() -> ([CheckedContinuation<String?, Never>], [Task<Void, Never>]) {
        stopping = true
        let workers = Array(idleWorkers)
        idleWorkers.removeAll()
        ready.removeAll()
        var timers: [Task<Void, Never>] = []
        for (key, lane) in lanes {
            if let timer = lane.timer {
                timers.append(timer)
                lanes[key]!.timer = nil
            }
        }
        return (workers, timers)
    }

    private mutating func makeReady(_ key: String) -> CheckedContinuation<String?, Never>? {
        if stopping { return nil }
        if let worker = idleWorkers.popFirst() {
            lanes[key]?.phase = .busy
            return worker
        }
        ready.append(key)
        return nil
    }
}
