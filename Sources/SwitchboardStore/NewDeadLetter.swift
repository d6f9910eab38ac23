/// An event that will not be delivered, with everything needed to inspect and replay it later.
public struct NewDeadLetter: Sendable, Hashable {
    /// The integration instance that handled the event.
    public var integration: String
    /// The route the event arrived on.
    public var route: String
    /// Why delivery stopped, in a short stable word (`expired`, `rejected`, `unmappable`, ...).
    public var reason: String
    /// How many delivery attempts were made.
    public var attempts: Int
    /// The last HTTP status PolyAI answered, if any answer came.
    public var lastStatus: Int?
    /// The last error text (PolyAI's `error_message`, or a transport error).
    public var errorMessage: String?
    /// PolyAI's `X-PolyAI-Correlation-Id` of the last answer, if any.
    public var correlationID: String?
    /// The external event id the event carried, if one was found.
    public var eventID: String?
    /// When Switchboard first saw the event, in milliseconds since 1970.
    public var firstSeenMillis: Int64
    /// When the event was dead-lettered, in milliseconds since 1970.
    public var deadLetteredAtMillis: Int64
    /// The content type of the body, if known.
    public var contentType: String?
    /// Caller-encoded request details, kept byte for byte.
    public var metadata: [UInt8]
    /// The full event body, kept byte for byte.
    public var body: [UInt8]
    /// The W3C trace id of the event (from the caller's `traceparent`, or the one Switchboard started), if known.
    public var traceID: String?

    /// Creates a dead letter to store.
    public init(
        integration: String,
        route: String,
        reason: String,
        attempts: Int,
        lastStatus: Int?,
        errorMessage: String?,
        correlationID: String?,
        eventID: String?,
        firstSeenMillis: Int64,
        deadLetteredAtMillis: Int64,
        contentType: String?,
        metadata: [UInt8],
        body: [UInt8],
        traceID: String? = nil
    ) {
        self.integration = integration
        self.route = route
        self.reason = reason
        self.attempts = attempts
        self.lastStatus = lastStatus
        self.errorMessage = errorMessage
        self.correlationID = correlationID
        self.eventID = eventID
        self.firstSeenMillis = firstSeenMillis
        self.deadLetteredAtMillis = deadLetteredAtMillis
        self.contentType = contentType
        self.metadata = metadata
        self.body = body
        self.traceID = traceID
    }
}
