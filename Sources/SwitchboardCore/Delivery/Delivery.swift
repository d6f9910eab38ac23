/// One External Event on its way, with what its source needs to hear about its outcome.
public struct Delivery: Sendable {
    /// The event to post.
    public var event: ExternalEvent
    /// The route that brought it in.
    public var route: String
    /// Wall-clock milliseconds when the inbound event was first seen (the deadline counts from here).
    public var firstSeenMillis: Int64
    /// An opaque number the source uses to find what to release (journal entry, Kafka offset).
    public var ticket: UInt64

    /// Makes a delivery.
    public init(event: ExternalEvent, route: String, firstSeenMillis: Int64, ticket: UInt64) {
        self.event = event
        self.route = route
        self.firstSeenMillis = firstSeenMillis
        self.ticket = ticket
    }
}
