/// Where an inbound event came from.
public enum EventSource: Sendable, Hashable {
    /// An HTTP request to the webhook listener, by path.
    case webhook(path: String)
    /// A Kafka message.
    case kafka(topic: String, partition: Int32, offset: Int64)
}

/// One event as it arrived at Switchboard, before any integration touched it.
///
/// Bodies stay bytes: an integration parses only what it needs.
public struct InboundEvent: Sendable {
    /// Where it came from.
    public var source: EventSource
    /// The route that matched it.
    public var route: String
    /// HTTP request headers or Kafka message headers.
    public var headers: [Header]
    /// Query-string parameters of a webhook request (empty for Kafka).
    public var query: [Header]
    /// The raw body.
    public var body: [UInt8]
    /// The Kafka message key, when there is one.
    public var messageKey: [UInt8]?
    /// Wall-clock time it was first seen, in milliseconds since 1970 (deadlines count from here).
    public var receivedAtMillis: Int64
    /// The URL the provider called, when known (signature schemes that sign the URL need it).
    public var requestURL: String?
    /// The HTTP method of a webhook request as received (`POST`, `PUT`); `POST` for Kafka messages.
    public var method: String

    /// Makes an inbound event.
    public init(
        source: EventSource,
        route: String,
        headers: [Header] = [],
        query: [Header] = [],
        body: [UInt8],
        messageKey: [UInt8]? = nil,
        receivedAtMillis: Int64,
        requestURL: String? = nil,
        method: String = "POST"
    ) {
        self.source = source
        self.route = route
        self.headers = headers
        self.query = query
        self.body = body
        self.messageKey = messageKey
        self.receivedAtMillis = receivedAtMillis
        self.requestURL = requestURL
        self.method = method
    }

    /// The `Content-Type` header, when present.
    public var contentType: String? { headers.first(named: "content-type") }

    /// The media type without parameters, lowercased (`application/json` for `application/json; charset=utf-8`).
    public var mediaType: String? {
        guard let contentType else { return nil }
        let bare = contentType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? contentType
        return bare.trimmingWhitespace().lowercased()
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
