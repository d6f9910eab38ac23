import Logging
import Metrics
import Synchronization
import SwitchboardCore
import SwitchboardStore

/// Carries journalled webhook events through their integration into delivery lanes, and records each outcome in
/// the journal: the entry is removed (with its dead letters, if any) only once every External Event it produced
/// has an outcome.
public final class WebhookPipeline: Sendable {
    private struct OpenEntry {
        var remaining: Int
        var deadLetters: [NewDeadLetter] = []
        var identity: String?
    }

    private let live: LiveConfiguration
    private let journal: Journal
    private let clock: any DeliveryClock
    private let logger: Logger
    private let dedupWindow: Duration
    private let open = Mutex<[Int64: OpenEntry]>([:])
    /// Provider delivery ids under way: `false` while the first copy is being journalled, `true` once it is.
    private let claimed = Mutex<[String: Bool]>([:])
    /// Outcome recordings started and not finished (awaited before the journal closes).
    private let recording = Atomic<Int>(0)
    /// Delivered entries waiting for their outcome to be written (`completeDelivered`).
    private let completing = OutcomeGroup<Int64>()
    /// The last journal write that failed and is being retried, for `/readyz`; nil once writes succeed again.
    private let failingWrite = Mutex<String?>(nil)
    /// Set while the bridge closes: a failing outcome recording stops retrying (its entry stays journalled).
    private let closing = Atomic<Bool>(false)
    /// Where `switchboard tap` watches events pass.
    let tap: EventTap

    /// Makes a pipeline that maps and queues events by the configuration in force in `live`.
    public init(live: LiveConfiguration, journal: Journal, dedupWindow: Duration = .seconds(86_400), clock: any DeliveryClock, tap: EventTap = EventTap(), logger: Logger) {
        self.tap = tap
        self.live = live
        self.journal = journal
        self.dedupWindow = dedupWindow
        self.clock = clock
        self.logger = logger
    }

    /// The dedup identity of an inbound event: the integration and the provider's delivery id.
    public func identity(of event: InboundEvent, integration name: String, plugin: (any Integration)?) -> String? {
        plugin?.deliveryID(for: event).map { "\(name):\($0)" }
    }

    /// What a provider's delivery id says about a new request.
    public enum Claim: Sendable, Equatable {
        /// A new delivery: journal it.
        case new
        /// A re-send of a delivery already journalled (or delivered within the dedup window): acknowledge it.
        case duplicate
        /// A re-send arriving while the first copy is still being journalled: ask the provider to retry later.
        case underWay
    }

    /// Claims a delivery identity for a new event.
    public func claim(_ identity: String) -> Claim {
        let existing = claimed.withLock { claimed -> Bool? in
            if let journalled = claimed[identity] { return journalled }
            claimed[identity] = false
            return nil
        }
        switch existing {
        case .some(true): return .duplicate
        case .some(false): return .underWay
        case .none: break
        }
        let since = clock.nowMillis() - dedupWindow.milliseconds
        if (try? journal.wasDelivered(identity: identity, sinceMillis: since)) == true {
            release(identity)
            return .duplicate
        }
        return .new
    }

    /// The claimed delivery is now journalled: later re-sends are duplicates.
    public func journalled(_ identity: String) {
        claimed.withLock { $0[identity] = true }
    }

    /// Gives a claim back (the event was not journalled, or it has its outcome).
    public func release(_ identity: String) {
        _ = claimed.withLock { $0.removeValue(forKey: identity) }
    }

    /// Waits (at most `timeout`) for outcome recordings still under way, before the journal closes.
    public func drain(timeout: Duration = .seconds(5)) async {
        closing.store(true, ordering: .relaxed)
        let deadline = ContinuousClock.now + timeout
        while recording.load(ordering: .acquiring) > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Maps a journalled event and queues its External Events, by `configuration` (the one in force when the request
    /// was taken). Mapping failures are dead-lettered at once.
    public func process(
        entryID: Int64, event: InboundEvent, integration name: String, identity: String? = nil, configuration: ActiveConfiguration? = nil
    ) async {
        let ticket = entryID
        let configuration = configuration ?? live.current
        guard let integration = configuration.integrations[name], let lanes = configuration.lanes[name] else {
            await complete(entryID: entryID, deadLetters: [deadLetter(for: event, integration: nil, name: name, reason: "no_integration", message: "integration '\(name)' is not configured")], identity: identity)
            return
        }
        let trace = event.trace ?? TraceContext.start()
        var events: [ExternalEvent]
        do {
            events = try await integration.mapped(event)
        } catch {
            logger.warning("event dead-lettered", metadata: [
                LogKey.integration: .string(name), LogKey.route: .string(event.route),
                LogKey.outcome: .string(error.reason), LogKey.errorMessage: .string(error.message), LogKey.traceID: .string(trace.traceID),
            ])
            IntegrationMetrics.named(name).deadLettered(reason: error.reason).increment()
            tap.publish(EventTap.Entry(atMillis: clock.nowMillis(), integration: name, route: event.route, stage: .deadLettered(reason: error.reason, message: error.message)))
            await complete(entryID: entryID, deadLetters: [deadLetter(for: event, integration: integration, name: name, reason: error.reason, message: error.message)], identity: identity)
            return
        }
        if events.isEmpty {
            logger.info("event mapped to no external events", metadata: [LogKey.integration: .string(name), LogKey.route: .string(event.route)])
            tap.publish(EventTap.Entry(atMillis: clock.nowMillis(), integration: name, route: event.route, stage: .mapped(events: 0)))
            await complete(entryID: entryID, deadLetters: [], identity: identity)
            return
        }
        for index in events.indices where events[index].trace == nil { events[index].trace = trace }
        open.withLock { $0[ticket] = OpenEntry(remaining: events.count, identity: identity) }
        for external in events {
            tap.publish(EventTap.Entry(atMillis: clock.nowMillis(), integration: name, route: event.route, eventID: external.eventID, stage: .mapped(events: events.count), body: external.body))
            lanes.submit(Delivery(event: external, route: event.route, firstSeenMillis: event.receivedAtMillis, source: .journal(entry: ticket)))
        }
    }

    /// Feeds every journalled event without an outcome back in (after a restart). Returns how many.
    public func replayJournal() async throws(StoreError) -> Int {
        let entries = try journal.pendingEntries()
        let configuration = live.current
        for entry in entries {
            guard let event = InboundEventCodec.decode(route: entry.route, metadata: entry.metadata, body: entry.body, receivedAtMillis: entry.receivedAtMillis) else {
                await complete(entryID: entry.id, deadLetters: [NewDeadLetter(
                    integration: entry.integration, route: entry.route, reason: DeadLetterReason.badPayload.rawValue, attempts: 0,
                    lastStatus: nil, errorMessage: "journal entry metadata unreadable", correlationID: nil, eventID: nil,
                    firstSeenMillis: entry.receivedAtMillis, deadLetteredAtMillis: clock.nowMillis(), contentType: nil,
                    metadata: entry.metadata, body: entry.body
                )])
                continue
            }
            let identity = self.identity(of: event, integration: entry.integration, plugin: configuration.integrations[entry.integration])
            if let identity { claimed.withLock { $0[identity] = true } }
            await process(entryID: entry.id, event: event, integration: entry.integration, identity: identity, configuration: configuration)
        }
        // The dedup window is pruned by the journal's writer itself (StoreLimits.dedupWindow), continuously.
        return entries.count
    }

    /// The lanes' outcome handler.
    public func record(_ delivery: Delivery, _ outcome: DeliveryOutcome, integration: String) async {
        guard case .journal(let entryID) = delivery.source else { return }
        let finished: OpenEntry? = open.withLock { open in
            guard var entry = open[entryID] else { return nil }
            if case .deadLettered(let reason, let last) = outcome {
                entry.deadLetters.append(NewDeadLetter(
                    integration: integration, route: delivery.route, reason: reason, attempts: last?.attempts ?? 0,
                    lastStatus: last?.status, errorMessage: last?.errorMessage, correlationID: last?.correlationID,
                    eventID: delivery.event.eventID, firstSeenMillis: delivery.firstSeenMillis,
                    deadLetteredAtMillis: clock.nowMillis(), contentType: delivery.event.contentType,
                    metadata: DeadLetterMetadata.encode(delivery.event), body: delivery.event.body,
                    traceID: delivery.event.trace?.traceID
                ))
            }
            entry.remaining -= 1
            if entry.remaining > 0 {
                open[entryID] = entry
                return nil
            }
            open[entryID] = nil
            return entry
        }
        if let finished {
            // Recorded off the lane's path: the lane moves on at once, and a crash before this commits only means
            // the event is delivered again after restart (at least once), never lost.
            recording.add(1, ordering: .relaxed)
            if finished.deadLetters.isEmpty, finished.identity == nil {
                completeDelivered(entryID)
                return
            }
            Task {
                await self.complete(entryID: entryID, deadLetters: finished.deadLetters, identity: finished.identity)
                self.recording.subtract(1, ordering: .releasing)
            }
        }
    }

    /// Records a delivered entry's outcome with the others delivered meanwhile, in one journal write. If the journal
    /// refuses the group, each entry is recorded on its own, retried as `complete` does.
    private func completeDelivered(_ entryID: Int64) {
        guard completing.add(entryID) else { return }
        Task {
            while true {
                let group = completing.take()
                guard !group.isEmpty else { return }
                do {
                    try await journal.complete(entryIDs: group)
                    journalTakesWrites()
                } catch {
                    for entryID in group { await complete(entryID: entryID, deadLetters: []) }
                }
                recording.subtract(group.count, ordering: .releasing)
            }
        }
    }

    /// Clears `/readyz`'s journal write error once a write succeeds again.
    private func journalTakesWrites() {
        guard failingWrite.withLock({ $0 }) != nil else { return }
        failingWrite.withLock { $0 = nil }
        logger.notice("journal takes writes again: outcomes are recorded")
    }

    /// Why outcomes cannot be recorded right now (disk full, I/O error), or nil when the journal takes writes.
    public var journalWriteError: String? { failingWrite.withLock { $0 } }

    /// Records an outcome, retrying with backoff while the journal refuses the write (a full disk, an I/O error):
    /// until it succeeds the entry keeps its place and its capacity, and its dedup identity stays claimed, so a
    /// re-send is still recognised. Only a closing bridge stops retrying; the entry then stays journalled and is
    /// delivered again after the restart (at least once, never lost).
    private func complete(entryID: Int64, deadLetters: [NewDeadLetter], identity: String? = nil) async {
        var wait: Duration = .milliseconds(100)
        while true {
            do {
                if let identity, deadLetters.isEmpty {
                    // Remembered before the entry goes, so a re-send is recognised even right after a crash.
                    try await journal.recordDelivered(identity: identity, atMillis: clock.nowMillis())
                }
                try await journal.complete(entryID: entryID, deadLetters: deadLetters)
                journalTakesWrites()
                if let identity { release(identity) }
                return
            } catch {
                Self.journalErrors.increment()
                failingWrite.withLock { $0 = error.description }
                logger.error("could not record outcome in journal; retrying", metadata: [
                    LogKey.journalEntry: .stringConvertible(entryID), LogKey.error: .string(error.description),
                    LogKey.waitMilliseconds: .stringConvertible(wait.milliseconds),
                ])
                if closing.load(ordering: .relaxed) || journal.isClosed { return }
                try? await Task.sleep(for: wait)
                wait = min(wait * 2, .seconds(5))
            }
        }
    }

    /// `switchboard_journal_errors_total{op="complete"}`: outcome recordings the journal refused (each retry counts);
    /// made on first use, after the metrics system is bootstrapped.
    private static let journalErrors = Counter(label: "switchboard_journal_errors_total", dimensions: [("op", "complete")])
    /// `switchboard_journal_errors_total{op="append"}`: webhooks the journal could not take (answered 503).
    static let appendErrors = Counter(label: "switchboard_journal_errors_total", dimensions: [("op", "append")])

    private func deadLetter(for event: InboundEvent, integration: (any Integration)?, name: String, reason: String, message: String) -> NewDeadLetter {
        NewDeadLetter(
            integration: name, route: event.route, reason: reason, attempts: 0, lastStatus: nil,
            errorMessage: message, correlationID: nil, eventID: nil, firstSeenMillis: event.receivedAtMillis,
            deadLetteredAtMillis: clock.nowMillis(), contentType: event.contentType,
            metadata: InboundEventCodec.encodeMetadata(event.storable(for: integration)), body: event.body,
            traceID: event.trace?.traceID
        )
    }
}
