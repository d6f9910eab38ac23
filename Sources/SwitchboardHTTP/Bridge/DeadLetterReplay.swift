import SwitchboardCore
import SwitchboardStore

/// Posts a dead letter again, now: the External Event it kept, or — for an event that never mapped — the inbound
/// event mapped again by its integration (after the operator fixed the configuration). Removed on success.
public struct DeadLetterReplay: Sendable {
    /// What a replay did.
    public enum Result: Sendable, Equatable {
        /// PolyAI accepted every event; the dead letter is removed.
        case delivered(Int)
        /// PolyAI (or the network) refused; the dead letter stays.
        case failed(status: Int?, message: String)
    }

    let journal: Journal
    let integrations: [String: any Integration]
    let destinations: [String: PolyAIDestination]
    let transport: any ExternalEventsTransport

    /// Makes a replayer for one configuration's journal, integrations and destinations.
    public init(journal: Journal, integrations: [String: any Integration], destinations: [String: PolyAIDestination], transport: any ExternalEventsTransport) {
        self.journal = journal
        self.integrations = integrations
        self.destinations = destinations
        self.transport = transport
    }

    /// Replays one dead letter.
    public func replay(_ letter: DeadLetter) async throws(StoreError) -> Result {
        guard let destination = destinations[letter.integration] else {
            return .failed(status: nil, message: "integration '\(letter.integration)' is not in this configuration")
        }
        let events: [ExternalEvent]
        switch mapped(letter) {
        case .success(let mapped): events = mapped
        case .failure(let failure): return .failed(status: nil, message: failure.description)
        }
        for event in events {
            switch await transport.send(destination.request(for: event)) {
            case .response(let status, _, _) where (200..<300).contains(status):
                continue
            case .response(let status, _, let body):
                return .failed(status: status, message: PolyAIErrorBody.message(from: body) ?? "HTTP \(status)")
            case .failure(let failure):
                return .failed(status: nil, message: failure.message)
            }
        }
        _ = try await journal.removeDeadLetter(id: letter.id)
        return .delivered(events.count)
    }

    private func mapped(_ letter: DeadLetter) -> Swift.Result<[ExternalEvent], MappingFailure> {
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
