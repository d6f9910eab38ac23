import Foundation
import SwitchboardHTTP

/// Talks to the sandbox's inspection endpoints: mints conversations and reads back what each one received.
struct SandboxClient: Sendable {
    /// `http://127.0.0.1:PORT`.
    let baseURL: String
    let http: CurlHTTPClient

    /// Starts a conversation (`POST /sandbox/conversations`); returns its id and the external event id minted for it.
    func startConversation(account: String, project: String) async throws -> (conversationID: String, eventID: String) {
        let response = try await http.send(HTTPClientRequest(
            url: baseURL + "/sandbox/conversations", headers: [HTTPHeader("Content-Type", "application/json")],
            body: Array(#"{"account_id":"\#(account)","project_id":"\#(project)","send_to_llm":false}"#.utf8)
        ))
        guard response.status == 201,
              let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
              let conversation = object["conversation_id"] as? String, let eventID = object["external_event_id"] as? String
        else {
            throw SoakFailure("the sandbox did not mint a conversation (status \(response.status))")
        }
        return (conversation, eventID)
    }

    /// The sequence numbers a conversation received, in arrival order (duplicates included); nil when it could not
    /// be read. Events that are not the soak's, or carry another conversation's name, are counted in `foreign`.
    func deliveries(of conversation: Conversation) async -> (sequences: [Int], foreign: Int)? {
        let request = HTTPClientRequest(url: baseURL + "/sandbox/conversations/\(conversation.conversationID)", method: "GET", timeout: .seconds(30))
        guard let response = try? await http.send(request), response.status == 200,
              let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
              let events = object["events"] as? [[String: Any]]
        else { return nil }
        var sequences: [Int] = []
        var foreign = 0
        for event in events {
            guard let data = event["data"] as? String, let decoded = SoakEvent(body: Array(data.utf8)),
                  decoded.conversation == conversation.name
            else {
                foreign += 1
                continue
            }
            sequences.append(decoded.sequence)
        }
        return (sequences, foreign)
    }
}
