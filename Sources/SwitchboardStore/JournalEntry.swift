/// A journalled event that has no outcome yet, as read back from the journal (for replay after a restart).
public struct JournalEntry: Sendable, Hashable {
    /// The id `Journal.append` returned; pass it to `Journal.complete(entryID:deadLetter:)`.
    public var id: Int64
    /// The integration instance that will map and deliver the event.
    public var integration: String
    /// The route the event arrived on.
    public var route: String
    /// When Switchboard received the event, in milliseconds since 1970.
    public var receivedAtMillis: Int64
    /// Caller-encoded request details, exactly as appended.
    public var metadata: [UInt8]
    /// The request body, exactly as appended.
    public var body: [UInt8]

    /// Creates an entry value (the store builds these when reading).
    public init(
        id: Int64,
        integration: String,
        route: String,
        receivedAtMillis: Int64,
        metadata: [UInt8],
        body: [UInt8]
    ) {
        self.id = id
        self.integration = integration
        self.route = route
        self.receivedAtMillis = receivedAtMillis
        self.metadata = metadata
        self.body = body
    }
}
