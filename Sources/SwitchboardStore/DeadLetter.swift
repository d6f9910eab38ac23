/// A stored dead letter, as listed and shown by `switchboard dlq`.
public struct DeadLetter: Sendable, Hashable {
    /// The dead letter's id (never reused), used by `dlq show`, `dlq replay` and removal.
    public var id: Int64
    /// The integration instance that handled the event.
    public var integration: String
    /// The route the event arrived on.
    public var route: String
    /// Why delivery stopped.
    public var reason: String
    /// How many delivery attempts were made.
    public var attempts: Int
    /// The last HTTP status PolyAI answered, if any answer came.
    public var lastStatus: Int?
    /// The last error text.
    public var errorMessage: String?
    /// PolyAI's correlation id of the last answer, if any.
    public var correlationID: String?
    /// The external event id the event carried, if one was found.
    public var eventID: String?
    /// When Switchboard first saw the event, in milliseconds since 1970.
    public var firstSeenMillis: Int64
    /// When the event was dead-lettered, in milliseconds since 1970.
    public var deadLetteredAtMillis: Int64
    /// The content type of the body, if known.
    public var contentType: String?
    /// Caller-encoded request details, exactly as stored.
    public var metadata: [UInt8]
    /// The full event body, exactly as stored.
    public var body: [UInt8]
    /// The W3C trace id of the event, if known.
    public var traceID: String?

    /// Creates a dead letter value from its id and the fields it was stored with.
    public init(id: Int64, _ letter: NewDeadLetter) {
        self.id = id
        self.integration = letter.integration
        self.route = letter.route
        self.reason = letter.reason
        self.attempts = letter.attempts
        self.lastStatus = letter.lastStatus
        self.errorMessage = letter.errorMessage
        self.correlationID = letter.correlationID
        self.eventID = letter.eventID
        self.firstSeenMillis = letter.firstSeenMillis
        self.deadLetteredAtMillis = letter.deadLetteredAtMillis
        self.contentType = letter.contentType
        self.metadata = letter.metadata
        self.body = letter.body
        self.traceID = letter.traceID
    }

    /// The stored fields without the id, ready to store again (for example after a failed replay).
    public var letter: NewDeadLetter {
        NewDeadLetter(
            integration: integration,
            route: route,
            reason: reason,
            attempts: attempts,
            lastStatus: lastStatus,
            errorMessage: errorMessage,
            correlationID: correlationID,
            eventID: eventID,
            firstSeenMillis: firstSeenMillis,
            deadLetteredAtMillis: deadLetteredAtMillis,
            contentType: contentType,
            metadata: metadata,
            body: body,
            traceID: traceID
        )
    }
}
