import Foundation

/// The body of one soak event: the external event id, the conversation's name and the event's sequence number.
struct SoakEvent: Sendable, Hashable {
    let conversation: String
    let sequence: Int

    /// Names event `sequence` of `conversation`.
    init(conversation: String, sequence: Int) {
        self.conversation = conversation
        self.sequence = sequence
    }

    /// The JSON body sent for `sequence` of `conversation` (padded to a realistic size).
    static func body(for conversation: Conversation, sequence: Int) -> [UInt8] {
        Array(#"{"cid":"\#(conversation.eventID)","soak_key":"\#(conversation.name)","n":\#(sequence),"note":"soak event \#(sequence) of \#(conversation.name), sent through the \#(conversation.source.rawValue) path"}"#.utf8)
    }

    /// Reads the conversation name and sequence number back from a delivered or dead-lettered body; nil for
    /// anything the soak did not send.
    init?(body: some Sequence<UInt8>) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let conversation = object["soak_key"] as? String,
              let sequence = object["n"] as? Int
        else { return nil }
        self.conversation = conversation
        self.sequence = sequence
    }
}
