import SwitchboardCore
import SwitchboardStore

/// Posts a dead letter again, now (after the operator fixed what failed), and never posts an event that was
/// delivered.
///
/// A dead letter holds one of two things:
/// - one External Event, as it was posted (a delivery that failed): it is posted again as it is, alone. When an
///   inbound event fanned out (a HubSpot batch), each of its events that failed has a dead letter of its own and
///   the delivered ones have none, so a replay never repeats them.
/// - the whole inbound event, when it never mapped (`no_event_id`, `bad_payload`, ...): nothing of it was posted,
///   so it is mapped again by its integration and every External Event is posted. When only some are accepted, the
///   dead letter is replaced (in one transaction) by one dead letter per event not delivered, so the next replay
///   posts only those.
///
/// An external event id lives one hour from when the agent minted it, so an event first seen longer ago than that
/// cannot reach its conversation: it is skipped (`.expired`) unless forced.
public struct DeadLetterReplay: Sendable {
    /// What a replay did.
    public enum Result: Sendable, Equatable {
        /// PolyAI accepted every event; the dead letter is removed.
        case delivered(Int)
        /// PolyAI accepted some events and not the others; the dead letter is replaced by `kept` dead letters, one
        /// per event not delivered. `status` and `message` are those of the first refusal.
        case partlyDelivered(delivered: Int, kept: Int, status: Int?, message: String)
        /// PolyAI (or the network) refused; the dead letter stays.
        case failed(status: Int?, message: String)
        /// Not posted: the event was first seen longer ago than an external event id lives. The dead letter stays.
        case expired(firstSeenMillis: Int64)
    }

    /// How long an external event id lives after the agent mints it (`conv.generate_external_event`).
    public static let eventIDLifetime: Duration = .seconds(3600)

    let journal: Journal
    let integrations: [String: any Integration]
    let destinations: [String: PolyAIDestination]
    let transport: any ExternalEventsTransport
    let clock: any DeliveryClock

    /// Makes a replayer for one configuration's journal, integrations and destinations; `clock` decides which
    /// events are too old to reach their conversation.
    public init(
        journal: Journal, integrations: [String: any Integration], destinations: [String: PolyAIDestination],
        transport: any ExternalEventsTransport, clock: any DeliveryClock = SystemDeliveryClock()
    ) {
        self.journal = journal
        self.integrations = integrations
        self.destinations = destinations
        self.transport = transport
        self.clock = clock
    }

    /// Whether the event was first seen longer ago than an external event id lives.
    public func isExpired(_ letter: DeadLetter) -> Bool {
        let (age, overflow) = clock.nowMillis().subtractingReportingOverflow(letter.firstSeenMillis)
        return !overflow && age > Self.eventIDLifetime.milliseconds
    }

    /// Replays one dead letter; `force` posts it even when its external event id has expired.
    public func replay(_ letter: DeadLetter, force: Bool = false) async throws(StoreError) -> Result {
        guard let destination = destinations[letter.integration] else {
            return .failed(status: nil, message: "integration '\(letter.integration)' is not in this configuration")
        }
        if !force, isExpired(letter) {
            return .expired(firstSeenMillis: letter.firstSeenMillis)
        }
        let events: [ExternalEvent]
        switch mapped(letter) {
        case .success(let mapped): events = mapped
        case .failure(let failure): return .failed(status: nil, message: failure.description)
        }
        var delivered = 0
        var refused: [Refusal] = []
        for event in events {
            // Order per conversation: once one of its events is refused, its later ones wait with it.
            if let earlier = refused.first(where: { $0.event.laneKey == event.laneKey }) {
                refused.append(Refusal(event: event, reason: earlier.reason, status: nil, correlationID: nil, posted: false,
                                       message: "not posted: an earlier event of the same conversation was not delivered"))
                continue
            }
            switch await transport.send(destination.request(for: event)) {
            case .response(let status, _, _) where (200..<300).contains(status):
                delivered += 1
            case .response(let status, let headers, let body):
                refused.append(Refusal(
                    event: event, reason: Self.reason(status: status), status: status,
                    correlationID: headers.first(named: "x-polyai-correlation-id"), posted: true,
                    message: PolyAIErrorBody.message(from: body) ?? "HTTP \(status)"
                ))
            case .failure(let failure):
                refused.append(Refusal(event: event, reason: DeadLetterReason.maxAttempts.rawValue, status: nil, correlationID: nil, posted: true, message: failure.message))
            }
        }
        guard let first = refused.first else {
            _ = try await journal.removeDeadLetter(id: letter.id)
            return .delivered(events.count)
        }
        guard delivered > 0 else {
            return .failed(status: first.status, message: first.message)
        }
        let kept = refused.map { $0.deadLetter(replacing: letter, at: clock.nowMillis()) }
        _ = try await journal.replaceDeadLetter(id: letter.id, with: kept)
        return .partlyDelivered(delivered: delivered, kept: kept.count, status: first.status, message: first.message)
    }

    /// An event of a replay that PolyAI did not accept.
    private struct Refusal {
        var event: ExternalEvent
        var reason: String
        var status: Int?
        var correlationID: String?
        /// False when it was held back behind an earlier refused event of its conversation.
        var posted: Bool
        var message: String

        /// Its own dead letter, replayable as it is, keeping the first-seen time (and so the id's expiry).
        func deadLetter(replacing letter: DeadLetter, at nowMillis: Int64) -> NewDeadLetter {
            NewDeadLetter(
                integration: letter.integration, route: letter.route, reason: reason,
                attempts: letter.attempts + (posted ? 1 : 0), lastStatus: status, errorMessage: message,
                correlationID: correlationID, eventID: event.eventID, firstSeenMillis: letter.firstSeenMillis,
                deadLetteredAtMillis: nowMillis, contentType: event.contentType,
                metadata: DeadLetterMetadata.encode(event), body: event.body, traceID: letter.traceID
            )
        }
    }

    /// The dead-letter reason of a refused replay: the key (401/403), a permanent refusal, or a retriable one that
    /// this single attempt ended.
    private static func reason(status: Int) -> String {
        switch status {
        case 401, 403: DeadLetterReason.unauthorized.rawValue
        case 400..<500 where status != 408 && status != 425 && status != 429: DeadLetterReason.rejected.rawValue
        default: DeadLetterReason.maxAttempts.rawValue
        }
    }

    /// The dead letter's External Events, in the trace the event first travelled in (when its id is known).
    private func mapped(_ letter: DeadLetter) -> Swift.Result<[ExternalEvent], MappingFailure> {
        mappedEvents(letter).map { events in
            guard let traceID = letter.traceID, TraceContext.parse("00-\(traceID)-\(TraceContext.newSpanID())-01") != nil else { return events }
            let trace = TraceContext(traceID: traceID, parentSpanID: TraceContext.newSpanID())
            return events.map { event in
                var event = event
                event.trace = trace
                return event
            }
        }
    }

    private func mappedEvents(_ letter: DeadLetter) -> Swift.Result<[ExternalEvent], MappingFailure> {
        if let location = DeadLetterMetadata.idLocation(letter.metadata), let eventID = letter.eventID {
            return .success([ExternalEvent(eventID: eventID, idLocation: location, body: letter.body, contentType: letter.contentType ?? "application/json")])
        }
        guard let integration = integrations[letter.integration] else {
            return .failure(MappingFailure(reason: "no_integration", message: "integration '\(letter.integration)' is not in this configuration"))
        }
        let inbound = InboundEventCodec.decode(route: letter.route, metadata: letter.metadata, body: letter.body, receivedAtMillis: letter.firstSeenMillis)
            ?? InboundEvent(source: .webhook(path: ""), route: letter.route, headers: letter.contentType.map { [Header("Content-Type", $0)] } ?? [], body: letter.body, receivedAtMillis: letter.firstSeenMillis)
        do {
            return .success(try integration.map(inbound))
        } catch {
            return .failure(error)
        }
    }
}
