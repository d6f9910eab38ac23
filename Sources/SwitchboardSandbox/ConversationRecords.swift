import Foundation

/// An external event id handed out as `conv.generate_external_event` would, with what it is bound to.
struct MintedEventID: Sendable {
    /// The id itself.
    let id: String
    /// The conversation the id belongs to.
    let conversationID: String
    /// The workspace the id was minted in; nil accepts any.
    let accountID: String?
    /// The agent (project) the id was minted for; nil accepts any.
    let projectID: String?
    /// Whether events carrying this id are shown to the LLM.
    let sendToLLM: Bool
    /// When the id was minted.
    let createdAt: Date
    /// The first instant at which the id is no longer valid.
    let expiresAt: Date
}

/// One event accepted into a conversation, as `conv.generic_external_events` shows it.
struct StoredEvent: Sendable {
    /// Global arrival number, used to drop the oldest events first.
    let sequence: UInt64
    /// The external event id the event carried.
    let extEventID: String
    /// When the sandbox accepted the event.
    let createdAt: Date
    /// The request body, as a string.
    let data: String
    /// The request's `Content-Type` header, as sent.
    let contentType: String
    /// Whether the event is shown to the LLM.
    let sendToLLM: Bool

    /// Bytes the event's body takes, counted against the store's byte limit.
    var byteCount: Int { data.utf8.count }
}

/// A simulated live conversation: the ids minted for it and the events that reached it.
struct ConversationRecord: Sendable {
    /// The conversation id.
    let id: String
    /// The workspace given when the conversation started, if any.
    let accountID: String?
    /// The agent (project) given when the conversation started, if any.
    let projectID: String?
    /// When the conversation started.
    let createdAt: Date
    /// Ids minted for the conversation, oldest first.
    var eventIDs: FIFOQueue<MintedEventID> = FIFOQueue()
    /// Events accepted, oldest first.
    var events: FIFOQueue<StoredEvent> = FIFOQueue()
}

/// Counters of the webhook endpoint's answers, for tests and benchmarks.
struct RequestCounters: Sendable {
    /// Webhook requests that reached an outcome (answered or dropped).
    var received = 0
    /// Requests answered `201`.
    var accepted = 0
    /// Requests whose connection was closed without an answer.
    var dropped = 0
    /// Answers by HTTP status code.
    var byStatus: [Int: Int] = [:]
}

/// A conversation as `GET /sandbox/conversations` shows it.
struct ConversationView: Encodable, Sendable {
    let conversationID: String
    let accountID: String?
    let projectID: String?
    let createdAt: String
    let externalEventIDs: [EventIDView]
    let eventCount: Int
    let events: [EventView]

    enum CodingKeys: String, CodingKey {
        case conversationID = "conversation_id"
        case accountID = "account_id"
        case projectID = "project_id"
        case createdAt = "created_at"
        case externalEventIDs = "external_event_ids"
        case eventCount = "event_count"
        case events
    }

    /// A view of the conversation with (at most) its newest `eventLimit` events.
    init(_ record: ConversationRecord, eventLimit: Int = .max) {
        self.conversationID = record.id
        self.accountID = record.accountID
        self.projectID = record.projectID
        self.createdAt = Timestamp.format(record.createdAt)
        self.externalEventIDs = record.eventIDs.map(EventIDView.init)
        self.eventCount = record.events.count
        self.events = record.events.dropFirst(max(0, record.events.count - eventLimit)).map(EventView.init)
    }
}

/// A minted id as the inspection endpoints show it.
struct EventIDView: Encodable, Sendable {
    let externalEventID: String
    let sendToLLM: Bool
    let expiresAt: String

    enum CodingKeys: String, CodingKey {
        case externalEventID = "external_event_id"
        case sendToLLM = "send_to_llm"
        case expiresAt = "expires_at"
    }

    init(_ minted: MintedEventID) {
        self.externalEventID = minted.id
        self.sendToLLM = minted.sendToLLM
        self.expiresAt = Timestamp.format(minted.expiresAt)
    }
}

/// An accepted event as the inspection endpoints show it (the fields of `conv.generic_external_events`).
struct EventView: Encodable, Sendable {
    let extEventID: String
    let createdAt: String
    let data: String
    let contentType: String
    let sendToLLM: Bool

    enum CodingKeys: String, CodingKey {
        case extEventID = "ext_event_id"
        case createdAt = "created_at"
        case data
        case contentType = "content_type"
        case sendToLLM = "send_to_llm"
    }

    init(_ event: StoredEvent) {
        self.extEventID = event.extEventID
        self.createdAt = Timestamp.format(event.createdAt)
        self.data = event.data
        self.contentType = event.contentType
        self.sendToLLM = event.sendToLLM
    }
}

/// The answer to minting an id: what `conv.generate_external_event` would give the agent.
struct MintedView: Encodable, Sendable {
    let conversationID: String
    let externalEventID: String
    let expiresAt: String
    let sendToLLM: Bool
    let accountID: String?
    let projectID: String?

    enum CodingKeys: String, CodingKey {
        case conversationID = "conversation_id"
        case externalEventID = "external_event_id"
        case expiresAt = "expires_at"
        case sendToLLM = "send_to_llm"
        case accountID = "account_id"
        case projectID = "project_id"
    }

    init(_ minted: MintedEventID) {
        self.conversationID = minted.conversationID
        self.externalEventID = minted.id
        self.expiresAt = Timestamp.format(minted.expiresAt)
        self.sendToLLM = minted.sendToLLM
        self.accountID = minted.accountID
        self.projectID = minted.projectID
    }
}

/// The counters as `GET /sandbox/requests` shows them.
struct CountersView: Encodable, Sendable {
    let received: Int
    let accepted: Int
    let dropped: Int
    let byStatus: [String: Int]
    let conversations: Int
    let storedEvents: Int

    enum CodingKeys: String, CodingKey {
        case received, accepted, dropped, conversations
        case byStatus = "by_status"
        case storedEvents = "stored_events"
    }
}

/// ISO 8601 timestamps with milliseconds, in UTC.
enum Timestamp {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// Formats a date like `2030-01-01T12:00:00.000Z`.
    static func format(_ date: Date) -> String {
        style.format(date)
    }
}
