/// An inbound event to journal before it is acknowledged (a webhook request, once verified).
public struct NewJournalEntry: Sendable, Hashable {
    /// The integration instance that will map and deliver the event.
    public var integration: String
    /// The route the event arrived on.
    public var route: String
    /// When Switchboard received the event, in milliseconds since 1970.
    public var receivedAtMillis: Int64
    /// Caller-encoded request details (headers, query and so on); the store keeps the bytes as they are.
    public var metadata: [UInt8]
    /// The request body, byte for byte.
    public var body: [UInt8]

    /// Creates an entry to append to the journal.
    public init(integration: String, route: String, receivedAtMillis: Int64, metadata: [UInt8], body: [UInt8]) {
        self.integration = integration
        self.route = route
        self.receivedAtMillis = receivedAtMillis
        self.metadata = metadata
        self.body = body
    }
}
