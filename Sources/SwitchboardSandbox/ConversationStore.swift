import Foundation
import Synchronization

/// The sandbox's memory: conversations, the ids minted for them, the events that reached them, and counters.
///
/// Everything sits behind one lock held only for dictionary work, so the webhook hot path stays cheap.
/// Bounded by ``SandboxLimits``: the oldest conversations, ids and events are dropped first.
final class ConversationStore: Sendable {
    /// Where an event sits in the global arrival order.
    private struct EventReference: Sendable {
        let conversationID: String
        let sequence: UInt64
    }

    private struct State: Sendable {
        var conversations: [String: ConversationRecord] = [:]
        var conversationOrder = FIFOQueue<String>()
        var mintedIDs: [String: MintedEventID] = [:]
        var eventOrder = FIFOQueue<EventReference>()
        var nextSequence: UInt64 = 0
        var eventCount = 0
        var eventBytes = 0
        var counters = RequestCounters()
    }

    private let state = Mutex(State())
    private let limits: SandboxLimits
    private let lifetime: TimeInterval

    /// Creates an empty store that keeps within `limits` and mints ids valid for `lifetime` seconds.
    init(limits: SandboxLimits, lifetime: TimeInterval) {
        self.limits = limits
        self.lifetime = lifetime
    }

    // MARK: Minting

    /// Starts a conversation and mints its first external event id.
    func startConversation(accountID: String?, projectID: String?, sendToLLM: Bool, now: Date) -> MintedEventID {
        let conversationID = "conv-" + Self.randomToken()
        let minted = makeID(conversationID: conversationID, accountID: accountID, projectID: projectID, sendToLLM: sendToLLM, now: now)
        var record = ConversationRecord(id: conversationID, accountID: accountID, projectID: projectID, createdAt: now)
        record.eventIDs.append(minted)
        state.withLock { state in
            state.conversations[conversationID] = record
            state.conversationOrder.append(conversationID)
            state.mintedIDs[minted.id] = minted
            while state.conversationOrder.count > limits.maxConversations {
                Self.dropOldestConversation(&state)
            }
        }
        return minted
    }

    /// Mints another id for an existing conversation; nil when the conversation is unknown.
    func mintID(conversationID: String, sendToLLM: Bool?, now: Date) -> MintedEventID? {
        state.withLock { state -> MintedEventID? in
            // Read what is needed without holding a copy of the record, so the append below stays in place.
            guard let accountID = state.conversations[conversationID].map({ $0.accountID }),
                let projectID = state.conversations[conversationID].map({ $0.projectID })
            else {
                return nil
            }
            let earlier = state.conversations[conversationID]?.eventIDs.first?.sendToLLM
            let minted = makeID(
                conversationID: conversationID, accountID: accountID, projectID: projectID,
                sendToLLM: sendToLLM ?? earlier ?? true, now: now)
            state.mintedIDs[minted.id] = minted
            state.conversations[conversationID]?.eventIDs.append(minted)
            if let count = state.conversations[conversationID]?.eventIDs.count,
                count > limits.maxEventIDsPerConversation,
                let oldest = state.conversations[conversationID]?.eventIDs.popFirst()
            {
                state.mintedIDs[oldest.id] = nil
            }
            return minted
        }
    }

    private func makeID(conversationID: String, accountID: String?, projectID: String?, sendToLLM: Bool, now: Date)
        -> MintedEventID
    {
        MintedEventID(
            id: Self.randomToken(),
            conversationID: conversationID,
            accountID: accountID,
            projectID: projectID,
            sendToLLM: sendToLLM,
            createdAt: now,
            expiresAt: now.addingTimeInterval(lifetime)
        )
    }

    // MARK: Accepting events

    /// Binds an event to the conversation its id belongs to, or says why the id is not valid.
    ///
    /// Counts the request as accepted (`201`) when it succeeds; the caller counts refusals (``countRefusal(status:)``).
    func accept(
        eventID: String, accountID: String, projectID: String, data: String, contentType: String, now: Date
    ) -> WebhookRejection? {
        state.withLock { state -> WebhookRejection? in
            guard let minted = state.mintedIDs[eventID], now < minted.expiresAt,
                minted.projectID.map({ $0 == projectID }) ?? true,
                minted.accountID.map({ $0 == accountID }) ?? true,
                state.conversations[minted.conversationID] != nil
            else {
                return .idNotValid
            }
            let sequence = state.nextSequence
            state.nextSequence &+= 1
            let event = StoredEvent(
                sequence: sequence, extEventID: eventID, createdAt: now, data: data, contentType: contentType,
                sendToLLM: minted.sendToLLM)
            state.conversations[minted.conversationID]?.events.append(event)
            state.eventOrder.append(EventReference(conversationID: minted.conversationID, sequence: sequence))
            state.eventCount += 1
            state.eventBytes += event.byteCount
            trim(conversationID: minted.conversationID, &state)
            state.counters.accepted += 1
            Self.count(status: 201, in: &state)
            return nil
        }
    }

    /// Counts a webhook request that was refused with `status`.
    func countRefusal(status: Int) {
        state.withLock { Self.count(status: status, in: &$0) }
    }

    /// Counts a webhook request whose connection was dropped on purpose.
    func countDrop() {
        state.withLock { state in
            state.counters.received += 1
            state.counters.dropped += 1
        }
    }

    private static func count(status: Int, in state: inout State) {
        state.counters.received += 1
        state.counters.byStatus[status, default: 0] += 1
    }

    /// Drops the oldest events until every limit holds again.
    private func trim(conversationID: String, _ state: inout State) {
        if let count = state.conversations[conversationID]?.events.count, count > limits.maxEventsPerConversation,
            let dropped = state.conversations[conversationID]?.events.popFirst()
        {
            state.eventCount -= 1
            state.eventBytes -= dropped.byteCount
        }
        while state.eventCount > limits.maxEvents || state.eventBytes > limits.maxEventBytes {
            guard Self.dropOldestEvent(&state) else {
                break
            }
        }
        // Stale references (events already dropped another way) are cleared in bulk now and then.
        if state.eventOrder.count > 2 * limits.maxEvents + 1024 {
            let conversations = state.conversations
            state.eventOrder.retain { reference in
                guard let first = conversations[reference.conversationID]?.events.first else {
                    return false
                }
                return reference.sequence >= first.sequence
            }
        }
    }

    /// Drops the oldest event still stored; false when there is none.
    private static func dropOldestEvent(_ state: inout State) -> Bool {
        while let reference = state.eventOrder.popFirst() {
            guard let first = state.conversations[reference.conversationID]?.events.first,
                first.sequence == reference.sequence
            else {
                continue
            }
            _ = state.conversations[reference.conversationID]?.events.popFirst()
            state.eventCount -= 1
            state.eventBytes -= first.byteCount
            return true
        }
        return false
    }

    private static func dropOldestConversation(_ state: inout State) {
        guard let oldest = state.conversationOrder.popFirst(),
            let record = state.conversations.removeValue(forKey: oldest)
        else {
            return
        }
        for minted in record.eventIDs {
            state.mintedIDs[minted.id] = nil
        }
        for event in record.events {
            state.eventCount -= 1
            state.eventBytes -= event.byteCount
        }
    }

    // MARK: Inspecting

    /// Every conversation, oldest first.
    func conversations() -> [ConversationView] {
        state.withLock { state in
            state.conversationOrder.compactMap { id in state.conversations[id].map { ConversationView($0) } }
        }
    }

    /// The newest `limit` conversations (oldest first) with their newest `eventsEach` events, and how many there are.
    func recentConversations(limit: Int, eventsEach: Int) -> (conversations: [ConversationView], total: Int) {
        state.withLock { state in
            let views = state.conversationOrder.suffix(limit).compactMap { id in
                state.conversations[id].map { ConversationView($0, eventLimit: eventsEach) }
            }
            return (views, state.conversations.count)
        }
    }

    /// One conversation, or nil when unknown.
    func conversation(id: String) -> ConversationView? {
        state.withLock { state in state.conversations[id].map { ConversationView($0) } }
    }

    /// The webhook counters and store sizes.
    func counters() -> CountersView {
        state.withLock { state in
            var byStatus: [String: Int] = [:]
            for (status, count) in state.counters.byStatus {
                byStatus[String(status)] = count
            }
            return CountersView(
                received: state.counters.received, accepted: state.counters.accepted,
                dropped: state.counters.dropped, byStatus: byStatus,
                conversations: state.conversations.count, storedEvents: state.eventCount)
        }
    }

    /// Forgets every conversation, id and event (counters stay).
    func removeConversations() {
        state.withLock { state in
            let counters = state.counters
            state = State()
            state.counters = counters
        }
    }

    /// Sets every counter back to zero.
    func resetCounters() {
        state.withLock { $0.counters = RequestCounters() }
    }

    /// An unguessable token for ids.
    private static func randomToken() -> String {
        UUID().uuidString.lowercased()
    }
}
