import DequeModule

/// The lanes of one integration and the workers waiting for one: a state machine guarded by `DeliveryLanes`' mutex.
///
/// A lane is `ready` (waiting for a worker, in `ready`), `busy` (a worker is attempting its first event) or
/// `sleeping` (waiting for a retry). Only one worker ever holds a lane, which is what keeps per-key order.
struct LaneTable {
    enum Phase {
        case ready, busy, sleeping, parked
    }

    /// The integration's circuit: open after a refused key or a run of failures, probed by one attempt at a time.
    enum Circuit: Equatable {
        case closed
        case open(retryAtMillis: Int64)
        case probing
    }

    /// What a worker may do with a lane under the circuit.
    enum Gate {
        case pass, probe, park
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
    private var idleWorkers: Deque<UnsafeContinuation<String?, Never>> = []
    private(set) var backlog = 0
    private(set) var stopping = false
    private(set) var circuit = Circuit.closed
    private var consecutiveFailures = 0
    private var circuitBackoffMillis: Int64 = 0
    private var parked: [String] = []
    private var circuitTimer: Task<Void, Never>?
    /// Set by the circuit timer: the next lane served probes, whatever the wall clock says.
    private var probeDue = false

    /// Adds an event to its lane; returns a parked worker to hand a newly ready lane to.
    mutating func enqueue(_ delivery: Delivery) -> UnsafeContinuation<String?, Never>? {
        backlog += 1
        let key = delivery.event.laneKey
        if let index = lanes.index(forKey: key) {
            lanes.values[index].queue.append(delivery)
            return nil
        }
        lanes[key] = Lane(queue: [delivery], phase: .ready)
        return makeReady(key)
    }

    /// Gives the caller a ready lane (now busy), or parks it until one is ready. Nil when stopping.
    mutating func takeReadyLane(orPark worker: UnsafeContinuation<String?, Never>) -> String?? {
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
    mutating func pop(_ key: String) -> UnsafeContinuation<String?, Never>? {
        // Changed where it is stored: a copy of the lane would make the queue copy itself (copy on write).
        guard let index = lanes.index(forKey: key) else { return nil }
        backlog -= 1
        lanes.values[index].queue.removeFirst()
        if lanes.values[index].queue.isEmpty {
            lanes.remove(at: index)
            return nil
        }
        lanes.values[index].attempts = 0
        lanes.values[index].lastRecord = nil
        lanes.values[index].lastKeyRejected = false
        lanes.values[index].phase = .ready
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
    mutating func wake(_ key: String) -> UnsafeContinuation<String?, Never>? {
        guard !stopping, lanes[key]?.phase == .sleeping else { return nil }
        lanes[key]!.timer = nil
        lanes[key]!.phase = .ready
        return makeReady(key)
    }

    /// Takes the matching deliveries out of the lanes, except the first event of a lane with an attempt under way
    /// (a busy lane). A sleeping or parked first event goes too: no attempt is under way for it. Returns what was
    /// taken, the retry timers to cancel, and the workers to hand a lane that became ready.
    mutating func withdraw(where matches: (Delivery) -> Bool) -> (removed: [Delivery], timers: [Task<Void, Never>], workers: [(UnsafeContinuation<String?, Never>, String)]) {
        var removed: [Delivery] = []
        var timers: [Task<Void, Never>] = []
        var workers: [(UnsafeContinuation<String?, Never>, String)] = []
        for key in Array(lanes.keys) {
            guard var lane = lanes[key] else { continue }
            let keepHead = lane.phase == .busy
            var kept = Deque<Delivery>()
            var headRemoved = false
            for (index, delivery) in lane.queue.enumerated() {
                if (index == 0 && keepHead) || !matches(delivery) {
                    kept.append(delivery)
                } else {
                    removed.append(delivery)
                    if index == 0 { headRemoved = true }
                }
            }
            guard kept.count != lane.queue.count else { continue }
            backlog -= lane.queue.count - kept.count
            lane.queue = kept
            if headRemoved {
                lane.attempts = 0
                lane.lastRecord = nil
                lane.lastKeyRejected = false
                if let timer = lane.timer { timers.append(timer) }
                lane.timer = nil
            }
            if kept.isEmpty {
                // A key still listed as ready or parked finds no lane and is skipped.
                lanes[key] = nil
                continue
            }
            let wasSleeping = lane.phase == .sleeping
            lanes[key] = lane
            if headRemoved, wasSleeping {
                lanes[key]!.phase = .ready
                if let worker = makeReady(key) { workers.append((worker, key)) }
            }
        }
        return (removed, timers, workers)
    }

    // MARK: - Circuit

    /// Whether a worker may attempt the lane's first event now; parks the lane when the circuit is open.
    mutating func gate(_ key: String, nowMillis: Int64) -> Gate {
        switch circuit {
        case .closed:
            return .pass
        case .open(let retryAt) where nowMillis >= retryAt || probeDue:
            circuit = .probing
            probeDue = false
            return .probe
        case .open, .probing:
            lanes[key]?.phase = .parked
            parked.append(key)
            return .park
        }
    }

    /// An attempt succeeded: the circuit closes and parked lanes become ready. Nil when it was closed already.
    mutating func recordSuccess() -> [(UnsafeContinuation<String?, Never>, String)]? {
        consecutiveFailures = 0
        circuitBackoffMillis = 0
        guard circuit != .closed else { return nil }
        circuit = .closed
        probeDue = false
        circuitTimer?.cancel()
        circuitTimer = nil
        return unparkAll()
    }

    /// An attempt failed. Opens the circuit on a refused key, on a failed probe, or after `threshold` failures in a row;
    /// returns the time of the next probe when it is open. The probe waits at least `minimumWaitMillis` (the last
    /// `Retry-After`), also when the circuit was open already.
    mutating func recordFailure(
        keyRejected: Bool, nowMillis: Int64, threshold: Int, baseMillis: Int64, capMillis: Int64, minimumWaitMillis: Int64 = 0
    ) -> Int64? {
        consecutiveFailures += 1
        let probeFailed = circuit == .probing
        guard keyRejected || probeFailed || consecutiveFailures >= threshold else { return nil }
        let honoured = nowMillis.addingReportingOverflow(max(0, minimumWaitMillis))
        let notBefore = honoured.overflow ? Int64.max : honoured.partialValue
        if case .open(let retryAt) = circuit {
            let later = max(retryAt, notBefore)
            circuit = .open(retryAtMillis: later)
            return later
        }
        probeDue = false
        circuitBackoffMillis = circuitBackoffMillis == 0 ? max(1, baseMillis) : min(capMillis, circuitBackoffMillis * 2)
        let retryAt = max(nowMillis + circuitBackoffMillis, notBefore)
        circuit = .open(retryAtMillis: retryAt)
        return retryAt
    }

    /// Parks a lane whose attempt failed while the circuit is open (it waits for the probe instead of its own timer).
    mutating func park(_ key: String, record: DeliveryOutcome.Attempt, keyRejected: Bool) -> Bool {
        guard !stopping, lanes[key] != nil, circuit != .closed else { return false }
        lanes[key]!.attempts = record.attempts
        lanes[key]!.lastRecord = record
        lanes[key]!.lastKeyRejected = keyRejected
        lanes[key]!.phase = .parked
        parked.append(key)
        return true
    }

    /// Keeps the timer that wakes parked lanes for the next probe (replacing an older one).
    mutating func setCircuitTimer(_ timer: Task<Void, Never>) -> Task<Void, Never>? {
        guard !stopping else { return timer }
        defer { circuitTimer = timer }
        return circuitTimer
    }

    /// The circuit timer fired: the next lane served probes, and every parked lane becomes ready.
    mutating func probeIsDue() -> [(UnsafeContinuation<String?, Never>, String)] {
        if case .open = circuit { probeDue = true }
        return unparkAll()
    }

    /// Every parked lane becomes ready: one will probe, the others park again (or meet their deadline).
    mutating func unparkAll() -> [(UnsafeContinuation<String?, Never>, String)] {
        var resumed: [(UnsafeContinuation<String?, Never>, String)] = []
        let keys = parked
        parked.removeAll()
        for key in keys where lanes[key]?.phase == .parked {
            lanes[key]!.phase = .ready
            if let worker = makeReady(key) { resumed.append((worker, key)) }
        }
        return resumed
    }

    /// Stops everything: returns the parked workers (to resume with nil) and the timers (to cancel).
    mutating func stop() -> ([UnsafeContinuation<String?, Never>], [Task<Void, Never>]) {
        stopping = true
        let workers = Array(idleWorkers)
        idleWorkers.removeAll()
        ready.removeAll()
        var timers: [Task<Void, Never>] = circuitTimer.map { [$0] } ?? []
        circuitTimer = nil
        for (key, lane) in lanes {
            if let timer = lane.timer {
                timers.append(timer)
                lanes[key]!.timer = nil
            }
        }
        return (workers, timers)
    }

    private mutating func makeReady(_ key: String) -> UnsafeContinuation<String?, Never>? {
        if stopping { return nil }
        if let worker = idleWorkers.popFirst() {
            lanes[key]?.phase = .busy
            return worker
        }
        ready.append(key)
        return nil
    }
}
