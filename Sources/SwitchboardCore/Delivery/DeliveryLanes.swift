import Logging
import ServiceLifecycle
import Synchronization
import Tracing

/// Delivers one integration's events: strictly in order per ordering key, different keys in parallel.
///
/// Each ordering key (one conversation, by default) has a lane. A pool of `maxInFlight` workers takes ready
/// lanes round-robin and makes one attempt on the lane's first event. A lane that must wait for a retry sleeps on
/// its own timer and frees its worker, so a failing key holds back only itself. Every event ends with exactly one
/// `DeliveryOutcome`, handed to `onOutcome` before the lane moves on.
public final class DeliveryLanes: Service, Sendable {
    /// Receives every outcome, in lane order.
    public typealias OutcomeHandler = @Sendable (Delivery, DeliveryOutcome) async -> Void

    /// What a reload may change, read once per attempt.
    private struct Settings {
        var destination: PolyAIDestination
        var policy: RetryPolicy
        var rateLimiter: RateLimiter?
        var rate: (count: Int, per: Duration)?
    }

    /// Workers running and wanted: a reload that raises `max_in_flight` adds workers, one that lowers it lets
    /// workers end after their current attempt.
    private struct Workers {
        var running = 0
        var wanted: Int
    }

    private let settings: Mutex<Settings>
    private let workers: Mutex<Workers>
    private let addedWorkers: AsyncStream<Void>
    private let addWorker: AsyncStream<Void>.Continuation
    private let transport: any ExternalEventsTransport
    private let clock: any DeliveryClock
    private let logger: Logger
    private let metrics: IntegrationMetrics
    private let jitter: @Sendable (ClosedRange<Int64>) -> Int64
    private let circuitThreshold: Int
    private let onOutcome: OutcomeHandler
    private let circuitObservers = Mutex<[@Sendable (Bool) -> Void]>([])
    private let state = Mutex(LaneTable())
    private let attemptsUnderWay = Atomic<Int>(0)
    private let lastFailure = Mutex<LaneSnapshot.Failure?>(nil)
    private let integration: String
    private let tap: EventTap
    /// Records a span per attempt and per outcome when `tracing:` is configured.
    private let tracer: SwitchboardTracer?

    /// Makes the lanes of one integration; nothing is sent before `run()`.
    public init(
        integration: String,
        destination: PolyAIDestination,
        policy: RetryPolicy,
        maxInFlight: Int,
        rateLimit: (count: Int, per: Duration)? = nil,
        transport: any ExternalEventsTransport,
        clock: any DeliveryClock = SystemDeliveryClock(),
        logger: Logger,
        jitter: @escaping @Sendable (ClosedRange<Int64>) -> Int64 = { Int64.random(in: $0) },
        circuitThreshold: Int = 10,
        tap: EventTap = EventTap(),
        tracer: SwitchboardTracer? = nil,
        onOutcome: @escaping OutcomeHandler
    ) {
        self.integration = integration
        self.tracer = tracer
        self.tap = tap
        self.circuitThreshold = max(1, circuitThreshold)
        self.settings = Mutex(Settings(
            destination: destination, policy: policy, rateLimiter: rateLimit.map { RateLimiter(count: $0.count, per: $0.per, clock: clock) },
            rate: rateLimit
        ))
        self.workers = Mutex(Workers(wanted: max(1, maxInFlight)))
        (self.addedWorkers, self.addWorker) = AsyncStream.makeStream(of: Void.self)
        self.transport = transport
        self.clock = clock
        var logger = logger
        logger[metadataKey: LogKey.integration] = .string(integration)
        self.logger = logger
        self.metrics = IntegrationMetrics.named(integration)
        self.jitter = jitter
        self.onOutcome = onOutcome
    }

    /// Applies a reloaded integration's settings to the next attempts: events queued or in backoff keep their place
    /// and their attempt count; an attempt under way finishes with the settings it started with.
    public func reconfigure(
        destination: PolyAIDestination, policy: RetryPolicy, maxInFlight: Int, rateLimit: (count: Int, per: Duration)?
    ) {
        settings.withLock { settings in
            settings.destination = destination
            settings.policy = policy
            // An unchanged rate keeps its limiter, so the spacing of attempts carries on across the reload.
            if settings.rate?.count != rateLimit?.count || settings.rate?.per != rateLimit?.per {
                settings.rateLimiter = rateLimit.map { RateLimiter(count: $0.count, per: $0.per, clock: clock) }
                settings.rate = rateLimit
            }
        }
        let added = workers.withLock { workers -> Int in
            workers.wanted = max(1, maxInFlight)
            guard workers.running > 0 else { return 0 }
            let added = max(0, workers.wanted - workers.running)
            workers.running += added
            return added
        }
        for _ in 0..<added { addWorker.yield() }
    }

    private var policy: RetryPolicy { settings.withLock { $0.policy } }

    /// Calls `observer` with `true` while the circuit holds events (open, with events waiting) and `false` otherwise:
    /// sources pause intake while held. An open circuit with nothing left to probe with (every held event reached
    /// its deadline) holds nothing, so its sources resume and the next event they bring is the probe: a circuit
    /// always has a way to close.
    public func onCircuitChange(_ observer: @escaping @Sendable (Bool) -> Void) {
        circuitObservers.withLock { $0.append(observer) }
    }

    /// Tells observers whether the circuit holds events as it is now (not as it was when the change happened), one
    /// call at a time, so notifications racing each other can never leave a source paused behind a closed circuit.
    private func notifyCircuit() {
        circuitObservers.withLock { observers in
            let (open, holding) = state.withLock { ($0.circuit != .closed, $0.circuit != .closed && $0.backlog > 0) }
            metrics.circuitOpen.record(open ? 1 : 0)
            for observer in observers { observer(holding) }
        }
    }

    /// Whether the circuit is open and events wait behind it (the sources routed here are paused).
    public var isHeldByCircuit: Bool { state.withLock { $0.circuit != .closed && $0.backlog > 0 } }

    /// Events accepted and still without an outcome.
    public var backlog: Int { state.withLock { $0.backlog } }

    /// Queues an event behind earlier events of its ordering key. Never blocks.
    public func submit(_ delivery: Delivery) {
        // An event already past its deadline (a Kafka backlog that aged while its topic was paused) is dead-lettered
        // at once, even behind an open circuit: it must not pause its source again, or the backlog would drain one
        // event per pause and no fresh event would ever come to probe the circuit.
        let expired = clock.nowMillis() >= deadlineMillis(of: delivery)
        let (worker, backlog, firstHeld) = state.withLock { table in
            (table.enqueue(delivery), table.backlog, !expired && table.backlog == 1 && table.circuit != .closed)
        }
        worker?.resume(returning: delivery.event.laneKey)
        metrics.backlog.record(backlog)
        if firstHeld { notifyCircuit() }
    }

    /// Takes the matching events that no attempt is under way for out of the lanes (a rebalance gave their Kafka
    /// partition to another owner): they get no outcome from here. Returns them.
    @discardableResult
    public func withdraw(where matches: (Delivery) -> Bool) -> [Delivery] {
        let (removed, timers, workers, lastHeld) = state.withLock { table in
            let (removed, timers, workers) = table.withdraw(where: matches)
            return (removed, timers, workers, !removed.isEmpty && table.backlog == 0 && table.circuit != .closed)
        }
        for timer in timers { timer.cancel() }
        for (worker, key) in workers { worker.resume(returning: key) }
        metrics.backlog.record(backlog)
        if lastHeld { notifyCircuit() }
        return removed
    }

    /// Runs the workers until graceful shutdown or cancellation; attempts under way finish, waiting events stay
    /// without outcome (their source still holds them: journal entry or uncommitted offset).
    public func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await withDiscardingTaskGroup { group in
                    let count = workers.withLock { workers in
                        workers.running = workers.wanted
                        return workers.wanted
                    }
                    for _ in 0..<count {
                        group.addTask { await self.work() }
                    }
                    for await _ in addedWorkers {
                        group.addTask { await self.work() }
                    }
                }
            } onCancel: {
                self.stop()
            }
        } onGracefulShutdown: {
            self.stop()
        }
    }

    /// Stops taking lanes; idle workers and retry timers end.
    public func stop() {
        let (workers, timers) = state.withLock { $0.stop() }
        for worker in workers { worker.resume(returning: nil) }
        for timer in timers { timer.cancel() }
        addWorker.finish()
    }

    // MARK: - Workers

    private func work() async {
        while let key = await nextLane() {
            await serve(lane: key)
            if workers.withLock({ workers in
                guard workers.running > workers.wanted else { return false }
                workers.running -= 1
                return true
            }) { return }
        }
    }

    private func nextLane() async -> String? {
        await withUnsafeContinuation { (continuation: UnsafeContinuation<String?, Never>) in
            let immediate = state.withLock { $0.takeReadyLane(orPark: continuation) }
            if let immediate { continuation.resume(returning: immediate) }
        }
    }

    /// One attempt on the lane's first event, then what its answer calls for.
    private func serve(lane key: String) async {
        guard let head = state.withLock({ $0.head(of: key) }) else { return }
        let (delivery, previous) = head
        let attempt = previous.attempts + 1
        let now = clock.nowMillis()
        if now >= deadlineMillis(of: delivery) {
            let reason: DeadLetterReason = previous.lastKeyRejected ? .unauthorized : .expired
            await finish(key: key, delivery: delivery, outcome: .deadLettered(reason: reason.rawValue, last: previous.attemptRecord))
            return
        }
        let (destination, policy, rateLimiter) = settings.withLock { ($0.destination, $0.policy, $0.rateLimiter) }
        // With tracing on, the attempt's own span is PolyAI's parent; without it Switchboard is no participant and
        // passes the trace on as it came.
        let spanID = tracer == nil ? delivery.event.trace?.parentSpanID : TraceContext.newSpanID()
        let request = destination.request(for: delivery.event, spanID: spanID)
        if let malformation = request.malformation {
            // Built from input that no attempt can send (CR/LF in a header value…): permanent, never retried, and
            // no evidence about the key or the destination, so the circuit is not touched.
            var record = previous.attemptRecord ?? DeliveryOutcome.Attempt(attempts: 0, status: nil, errorMessage: nil, correlationID: nil)
            record.errorMessage = malformation
            await finish(key: key, delivery: delivery, outcome: .deadLettered(reason: DeadLetterReason.badPayload.rawValue, last: record))
            return
        }
        let gate = state.withLock { $0.gate(key, nowMillis: now) }
        if gate == .park { return }
        if let rateLimiter { await rateLimiter.acquire() }

        let span = tracer?.startSpan("polyai.attempt", parent: delivery.event.trace, ofKind: .client, spanID: spanID)
        metrics.inFlight.increment()
        attemptsUnderWay.add(1, ordering: .relaxed)
        let started = ContinuousClock.now
        let result = await transport.send(request)
        attemptsUnderWay.subtract(1, ordering: .relaxed)
        metrics.inFlight.decrement()
        if let span { Self.end(span, attempt: attempt, result: result) }
        if case .failure = result, Task.isCancelled || state.withLock({ $0.stopping }) {
            // Cut off by shutdown: that counts as no attempt (no max_attempts, no circuit, no dead letter). The
            // event has no outcome, so its source still holds it (journal entry or uncommitted offset).
            logger.info("attempt cut off by shutdown; the event stays with its source", metadata: [
                LogKey.route: .string(delivery.route), LogKey.orderingKey: .string(key),
            ])
            return
        }

        var record = DeliveryOutcome.Attempt(attempts: attempt, status: nil, errorMessage: nil, correlationID: nil)
        let verdict: AttemptVerdict
        switch result {
        case .response(let status, let headers, let body):
            record.status = status
            record.correlationID = headers.first(named: "x-polyai-correlation-id")
            verdict = AttemptVerdict.classify(status: status, retryAfterHeader: headers.first(named: "retry-after"), nowMillis: clock.nowMillis())
            if verdict != .delivered { record.errorMessage = PolyAIErrorBody.message(from: body) }
            metrics.responses(statusClass: status / 100).increment()
        case .failure(let failure):
            record.errorMessage = failure.message
            verdict = .retry(retryAfter: nil)
            metrics.responses(statusClass: 0).increment()
        }
        tap.publish(EventTap.Entry(atMillis: clock.nowMillis(), integration: integration, route: delivery.route, eventID: delivery.event.eventID, stage: .attempt(number: attempt, status: record.status, error: record.errorMessage, latencyMillis: (ContinuousClock.now - started).milliseconds)))

        switch verdict {
        case .delivered:
            metrics.latency.recordNanoseconds((ContinuousClock.now - started).nanosecondsCount)
            metrics.lastSuccess.record(Double(clock.nowMillis()) / 1000)
            closeCircuit()
            await finish(key: key, delivery: delivery, outcome: .delivered(record))
        case .permanent:
            // PolyAI read the request (key and endpoint work); only this event is refused.
            closeCircuit()
            await finish(key: key, delivery: delivery, outcome: .deadLettered(reason: DeadLetterReason.rejected.rawValue, last: record))
        case .retry(let retryAfter):
            recordFailure(record, retryAfter: retryAfter)
            let probeAt = openCircuitIfNeeded(keyRejected: false, gate: gate, retryAfter: retryAfter)
            if attempt >= policy.maxAttempts {
                await finish(key: key, delivery: delivery, outcome: .deadLettered(reason: DeadLetterReason.maxAttempts.rawValue, last: record))
                return
            }
            if probeAt != nil, park(key: key, record: record, keyRejected: false) { return }
            scheduleRetry(key: key, delivery: delivery, record: record, keyRejected: false, wait: retryAfter ?? backoff(after: attempt))
        case .keyRejected:
            recordFailure(record, retryAfter: nil)
            if record.status == 401 || record.status == 403 { metrics.keyRejections.increment() }
            logger.error("key refused (401/403) or endpoint redirected (3xx): deliveries paused until a probe succeeds", metadata: [
                LogKey.status: .stringConvertible(record.status ?? 0),
                LogKey.errorMessage: .string(record.errorMessage ?? ""),
                LogKey.correlationID: .string(record.correlationID ?? ""),
            ])
            // A refused key fails every event alike: the circuit opens and the event waits (until its deadline)
            // for a probe to succeed instead of burning attempts.
            _ = openCircuitIfNeeded(keyRejected: true, gate: gate)
            if park(key: key, record: record, keyRejected: true) { return }
            scheduleRetry(key: key, delivery: delivery, record: record, keyRejected: true, wait: backoff(after: attempt))
        }
    }

    /// The circuit's state: `closed`, `open` or `probing`.
    public var circuitState: String {
        switch state.withLock({ $0.circuit }) {
        case .closed: "closed"
        case .open: "open"
        case .probing: "probing"
        }
    }

    /// How the lanes stand now: backlog, attempts under way, the circuit and its last failure.
    public var snapshot: LaneSnapshot {
        let (backlog, circuit) = state.withLock { ($0.backlog, $0.circuit) }
        var snapshot = LaneSnapshot(
            backlog: backlog, inFlight: attemptsUnderWay.load(ordering: .relaxed), circuit: "closed",
            nextProbeAtMillis: nil, lastFailure: lastFailure.withLock { $0 }
        )
        switch circuit {
        case .closed: break
        case .open(let retryAt):
            snapshot.circuit = "open"
            snapshot.nextProbeAtMillis = retryAt
        case .probing: snapshot.circuit = "probing"
        }
        return snapshot
    }

    private func recordFailure(_ record: DeliveryOutcome.Attempt, retryAfter: Duration?) {
        let failure = LaneSnapshot.Failure(
            status: record.status, errorMessage: record.errorMessage, retryAfter: retryAfter, atMillis: clock.nowMillis()
        )
        lastFailure.withLock { $0 = failure }
    }

    private func closeCircuit() {
        guard let resumed = state.withLock({ $0.recordSuccess() }) else { return }
        logger.notice("circuit closed: deliveries resume")
        notifyCircuit()
        for (worker, key) in resumed { worker.resume(returning: key) }
    }

    /// Counts a failure; when the circuit opens (or is open) arms the timer that wakes parked lanes for the next probe.
    private func openCircuitIfNeeded(keyRejected: Bool, gate: LaneTable.Gate, retryAfter: Duration? = nil) -> Int64? {
        let now = clock.nowMillis()
        let (probeAt, wasClosed) = state.withLock {
            let wasClosed = $0.circuit == .closed
            return ($0.recordFailure(
                keyRejected: keyRejected, nowMillis: now, threshold: circuitThreshold,
                baseMillis: max(policy.base.milliseconds, 100), capMillis: max(policy.cap.milliseconds, 100),
                minimumWaitMillis: retryAfter?.milliseconds ?? 0
            ), wasClosed)
        }
        guard let probeAt else { return nil }
        if wasClosed { notifyCircuit() }
        let timer = Task { [clock] in
            do {
                try await clock.sleep(for: .milliseconds(max(0, probeAt - now)))
            } catch {
                return
            }
            let resumed = self.state.withLock { $0.probeIsDue() }
            for (worker, key) in resumed { worker.resume(returning: key) }
        }
        state.withLock { $0.setCircuitTimer(timer) }?.cancel()
        return probeAt
    }

    private func park(key: String, record: DeliveryOutcome.Attempt, keyRejected: Bool) -> Bool {
        guard state.withLock({ $0.park(key, record: record, keyRejected: keyRejected) }) else { return false }
        metrics.retried.increment()
        return true
    }

    private func backoff(after attempt: Int) -> Duration {
        let ceiling = policy.ceiling(afterAttempt: attempt).milliseconds
        return .milliseconds(ceiling > 0 ? jitter(0...ceiling) : 0)
    }

    /// When the event's deadline passes, in epoch milliseconds (saturating: a first-seen time from outside cannot trap).
    private func deadlineMillis(of delivery: Delivery) -> Int64 {
        let (deadline, overflow) = delivery.firstSeenMillis.addingReportingOverflow(policy.deadline.milliseconds)
        return overflow ? .max : deadline
    }

    private func scheduleRetry(key: String, delivery: Delivery, record: DeliveryOutcome.Attempt, keyRejected: Bool, wait: Duration) {
        metrics.retried.increment()
        let (untilDeadline, overflow) = deadlineMillis(of: delivery).subtractingReportingOverflow(clock.nowMillis())
        let wait = overflow ? wait : min(wait, .milliseconds(max(0, untilDeadline)))
        logger.debug("delivery will be retried", metadata: [
            LogKey.route: .string(delivery.route),
            LogKey.orderingKey: .string(key),
            LogKey.attempts: .stringConvertible(record.attempts),
            LogKey.status: .string(record.status.map(String.init) ?? "none"),
            LogKey.waitMilliseconds: .stringConvertible(wait.milliseconds),
            LogKey.correlationID: .string(record.correlationID ?? ""),
        ])
        guard state.withLock({ $0.sleep(key, record: record, keyRejected: keyRejected) }) else { return }
        let timer = Task { [clock] in
            do {
                try await clock.sleep(for: wait)
            } catch {
                return
            }
            let worker = self.state.withLock { $0.wake(key) }
            worker?.resume(returning: key)
        }
        if !state.withLock({ $0.attach(timer, to: key) }) { timer.cancel() }
    }

    /// Ends an attempt's span with what PolyAI answered (or why nothing came back).
    private static func end(_ span: SwitchboardSpan, attempt: Int, result: TransportResult) {
        span.attributes["switchboard.attempt"] = attempt
        switch result {
        case .response(let status, _, _):
            span.attributes["http.response.status_code"] = status
            if status >= 400 { span.setStatus(SpanStatus(code: .error, message: "HTTP \(status)")) }
        case .failure(let failure):
            span.setStatus(SpanStatus(code: .error, message: failure.message))
        }
        span.end()
    }

    private func finish(key: String, delivery: Delivery, outcome: DeliveryOutcome) async {
        if let span = tracer?.startSpan("switchboard.outcome", parent: delivery.event.trace, ofKind: .internal) {
            span.attributes["switchboard.integration"] = integration
            span.attributes["switchboard.outcome"] = outcome.label
            if case .deadLettered = outcome { span.setStatus(SpanStatus(code: .error, message: outcome.label)) }
            span.end()
        }
        switch outcome {
        case .delivered:
            metrics.delivered.increment()
        case .deadLettered(let reason, _):
            metrics.deadLettered(reason: reason).increment()
        }
        log(outcome, of: delivery, key: key)
        tap.publish(EventTap.Entry(outcome, of: delivery, integration: integration, atMillis: clock.nowMillis()))
        await onOutcome(delivery, outcome)
        let (worker, backlog, lastHeld) = state.withLock { table in
            (table.pop(key), table.backlog, table.backlog == 0 && table.circuit != .closed)
        }
        worker?.resume(returning: key)
        metrics.backlog.record(backlog)
        if lastHeld { notifyCircuit() }
    }

    private func log(_ outcome: DeliveryOutcome, of delivery: Delivery, key: String) {
        // Built only when the line is written: at the usual `warning` level a delivery logs nothing.
        let level: Logger.Level = if case .delivered = outcome { .info } else { .warning }
        guard logger.logLevel <= level else { return }
        var metadata: Logger.Metadata = [
            LogKey.route: .string(delivery.route),
            LogKey.orderingKey: .string(key),
            LogKey.outcome: .string(outcome.label),
        ]
        if let trace = delivery.event.trace { metadata[LogKey.traceID] = .string(trace.traceID) }
        switch outcome {
        case .delivered(let attempt):
            metadata[LogKey.attempts] = .stringConvertible(attempt.attempts)
            metadata[LogKey.status] = .stringConvertible(attempt.status ?? 0)
            if let id = attempt.correlationID { metadata[LogKey.correlationID] = .string(id) }
            logger.info("event delivered", metadata: metadata)
        case .deadLettered(_, let last):
            metadata[LogKey.attempts] = .stringConvertible(last?.attempts ?? 0)
            if let status = last?.status { metadata[LogKey.status] = .stringConvertible(status) }
            if let message = last?.errorMessage { metadata[LogKey.errorMessage] = .string(message) }
            if let id = last?.correlationID { metadata[LogKey.correlationID] = .string(id) }
            logger.warning("event dead-lettered", metadata: metadata)
        }
    }
}
