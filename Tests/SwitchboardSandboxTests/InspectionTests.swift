import Foundation
import Testing

import SwitchboardSandbox

@Suite("Correlation ids, inspection endpoints, the HTML page and memory bounds")
struct InspectionTests {
    @Test("every answer carries a fresh X-PolyAI-Correlation-Id")
    func correlationIDEverywhere() async throws {
        let options = try standardOptions { $0.maxBodyBytes = 256 }
        try await withSandbox(options) { client in
            let minted = try await client.startConversation()
            let good = #"{"cid": "\#(minted.externalEventID)"}"#
            var responses: [RawResponse] = [
                try await client.postEvent(body: good),  // 201
                try await client.postEvent(body: "{}"),  // 400
                try await client.postEvent(key: nil, body: good),  // 401
                try await client.postEvent(key: "sk-sandbox-no-events-0002", body: good),  // 403
                try await client.postEvent(contentType: "image/gif", body: good),  // 415
                try await client.postEvent(body: String(repeating: " ", count: 300) + good),  // 413
                try await RawHTTPClient.send(port: client.port, method: "GET", target: "/nowhere"),  // 404
                try await RawHTTPClient.send(port: client.port, method: "GET", target: "/"),
                try await RawHTTPClient.send(port: client.port, method: "GET", target: "/sandbox/conversations"),
                try await RawHTTPClient.send(port: client.port, method: "GET", target: "/sandbox/requests"),
            ]
            #expect(try await client.setFaults(#"{"error_rate": 1}"#).status == 200)
            responses.append(try await client.postEvent(body: good))  // 500
            #expect(try await client.setFaults(#"{"throttle_rate": 1}"#).status == 200)
            responses.append(try await client.postEvent(body: good))  // 429

            #expect(responses.map(\.status) == [201, 400, 401, 403, 415, 413, 404, 200, 200, 200, 500, 429])
            let ids = responses.compactMap { $0.header("X-PolyAI-Correlation-Id") }
            #expect(ids.count == responses.count)
            #expect(ids.allSatisfy { UUID(uuidString: $0) != nil })
            #expect(Set(ids).count == ids.count)
        }
    }

    @Test("GET /sandbox/requests counts answers by status")
    func counters() async throws {
        try await withSandbox(try standardOptions()) { client in
            let minted = try await client.startConversation()
            _ = try await client.postEvent(body: #"{"cid": "\#(minted.externalEventID)"}"#)
            _ = try await client.postEvent(body: #"{"cid": "\#(minted.externalEventID)"}"#)
            _ = try await client.postEvent(key: nil, body: "{}")
            let counters = try await client.counters()
            #expect(counters.received == 3)
            #expect(counters.accepted == 2)
            #expect(counters.byStatus == ["201": 2, "401": 1])
        }
    }

    @Test("the HTML page lists events with their payload escaped")
    func pageEscapes() async throws {
        try await withSandbox(try standardOptions()) { client in
            let minted = try await client.startConversation()
            let body = #"{"cid": "\#(minted.externalEventID)", "note": "<script>alert('x')</script>"}"#
            #expect(try await client.postEvent(body: body).status == 201)
            let page = try await RawHTTPClient.send(port: client.port, method: "GET", target: "/")
            #expect(page.status == 200)
            #expect(page.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(page.body.contains(minted.conversationID))
            #expect(!page.body.contains("<script>"))
            #expect(page.body.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        }
    }

    @Test("an unknown conversation is a 404 with an error message")
    func unknownConversation() async throws {
        try await withSandbox(try standardOptions()) { client in
            let response = try await RawHTTPClient.send(
                port: client.port, method: "GET", target: "/sandbox/conversations/conv-nope")
            #expect(response.status == 404)
            #expect(response.errorMessage == "No such conversation: conv-nope")
            let mint = try await client.mintAnother(conversationID: "conv-nope")
            #expect(mint.status == 404)
        }
    }

    @Test("ids can be minted with query parameters instead of a JSON body")
    func mintWithQuery() async throws {
        try await withSandbox(try standardOptions()) { client in
            let response = try await RawHTTPClient.send(
                port: client.port, method: "POST",
                target: "/sandbox/conversations?project_id=PROJECT-OTHER&account_id=ws-sandbox&send_to_llm=false")
            #expect(response.status == 201)
            let minted = try JSONDecoder().decode(Minted.self, from: Data(response.body.utf8))
            #expect(minted.sendToLLM == false)
            let accepted = try await client.postEvent(
                target: SandboxClient.webhookTarget(project: "PROJECT-OTHER"),
                body: #"{"cid": "\#(minted.externalEventID)"}"#)
            #expect(accepted.status == 201)
        }
    }

    @Test("a conversation keeps only its newest events when over the per-conversation limit")
    func eventsPerConversationBound() async throws {
        let options = try standardOptions { $0.limits = SandboxLimits(maxEventsPerConversation: 3) }
        try await withSandbox(options) { client in
            let minted = try await client.startConversation()
            let bodies = (0..<5).map { #"{"cid": "\#(minted.externalEventID)", "n": \#($0)}"# }
            for body in bodies {
                #expect(try await client.postEvent(body: body).status == 201)
            }
            let conversation = try await client.conversation(minted.conversationID)
            #expect(conversation.events.map(\.data) == Array(bodies[2...]))
        }
    }

    @Test("the oldest events overall are dropped first when the global limit is reached")
    func globalEventBound() async throws {
        let options = try standardOptions { $0.limits = SandboxLimits(maxEvents: 4) }
        try await withSandbox(options) { client in
            let first = try await client.startConversation()
            let second = try await client.startConversation()
            for index in 0..<3 {
                _ = try await client.postEvent(body: #"{"cid": "\#(first.externalEventID)", "n": \#(index)}"#)
            }
            for index in 3..<6 {
                _ = try await client.postEvent(body: #"{"cid": "\#(second.externalEventID)", "n": \#(index)}"#)
            }
            let one = try await client.conversation(first.conversationID)
            let two = try await client.conversation(second.conversationID)
            #expect(one.events.count == 1)
            #expect(one.events.first?.data.hasSuffix(#""n": 2}"#) == true)
            #expect(two.events.count == 3)
        }
    }

    @Test("the oldest conversation is forgotten when over the conversation limit, and its ids stop working")
    func conversationBound() async throws {
        let options = try standardOptions { $0.limits = SandboxLimits(maxConversations: 2) }
        try await withSandbox(options) { client in
            let oldest = try await client.startConversation()
            let middle = try await client.startConversation()
            let newest = try await client.startConversation()
            let all = try await client.conversations()
            #expect(all.map(\.conversationID) == [middle.conversationID, newest.conversationID])
            let response = try await client.postEvent(body: #"{"cid": "\#(oldest.externalEventID)"}"#)
            #expect(response.status == 400)
            #expect(response.errorMessage == "External event id not valid")
        }
    }
}
