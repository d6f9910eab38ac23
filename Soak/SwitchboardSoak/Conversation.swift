/// One conversation the soak feeds: a live call's external event id, and where its events come from.
///
/// Each conversation is one ordering key: its events carry sequence numbers 0, 1, 2, … in the order they were
/// produced, and must reach the conversation in that order.
struct Conversation: Sendable, Hashable {
    /// Where a conversation's events enter Switchboard.
    enum Source: String, Sendable {
        /// HTTP POSTs to one instance's webhook listener.
        case webhook
        /// Messages on the soak's Kafka topic, keyed by the conversation.
        case kafka
    }

    /// The soak's short name for it (`w03`, `k11`), carried in every event.
    let name: String
    let source: Source
    /// The sandbox's conversation id (where deliveries are read back).
    let conversationID: String
    /// The external event id minted for it, as `conv.generate_external_event` would.
    let eventID: String
    /// For webhooks: the instance whose listener receives this conversation's events (a sticky load balancer).
    let instance: Int
}
