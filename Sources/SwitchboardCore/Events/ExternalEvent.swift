/// Where PolyAI finds the external event id in a request (the `event_id_location` query parameter).
public enum EventIDLocation: Sendable, Hashable {
    /// In a request header with this name.
    case header(String)
    /// In a query-string parameter with this name.
    case query(String)
    /// Inside the body, at this name or dotted path.
    case payload(String)

    /// The value of `event_id_location`.
    public var locationName: String {
        switch self {
        case .header: "headers"
        case .query: "querystring"
        case .payload: "payload"
        }
    }

    /// The value of `event_id_path`.
    public var path: String {
        switch self {
        case .header(let name), .query(let name), .payload(let name): name
        }
    }
}

/// One event to post to a live conversation through the External Events API.
public struct ExternalEvent: Sendable {
    /// The external event id the agent handed out (binds the event to its conversation).
    public var eventID: String
    /// Where the request carries that id.
    public var idLocation: EventIDLocation
    /// The body PolyAI stores for the agent.
    public var body: [UInt8]
    /// The body's content type (`application/json`, `application/x-www-form-urlencoded`, `application/xml`, `text/plain`).
    public var contentType: String
    /// Events with the same ordering key are delivered strictly in order; the event id when nil.
    public var orderingKey: String?
    /// The provider's own delivery id, used to skip re-sends already delivered.
    public var deliveryID: String?
    /// The trace the event belongs to, passed on to PolyAI with every attempt (`traceparent`, `tracestate`).
    public var trace: TraceContext?

    /// Makes an external event.
    public init(
        eventID: String,
        idLocation: EventIDLocation,
        body: [UInt8],
        contentType: String,
        orderingKey: String? = nil,
        deliveryID: String? = nil
    ) {
        self.eventID = eventID
        self.idLocation = idLocation
        self.body = body
        self.contentType = contentType
        self.orderingKey = orderingKey
        self.deliveryID = deliveryID
    }

    /// The key of the lane this event travels in.
    public var laneKey: String { orderingKey ?? eventID }
}
