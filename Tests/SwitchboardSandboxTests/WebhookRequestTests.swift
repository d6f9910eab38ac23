import Foundation
import Testing

import SwitchboardSandbox

@Suite("The External Events endpoint checks parameters, content type, size and the event id")
struct WebhookRequestTests {
    static let parameters = ["event_id_location", "event_id_path", "account_id", "project_id"]

    @Test("a missing query parameter is a 400 naming it", arguments: parameters)
    func missingParameter(_ missing: String) async throws {
        try await withSandbox(try standardOptions()) { client in
            let minted = try await client.startConversation()
            let values = [
                "event_id_location": "payload", "event_id_path": "cid", "account_id": SandboxClient.account,
                "project_id": SandboxClient.project,
            ]
            let query = Self.parameters.filter { $0 != missing }.map { "\($0)=\(values[$0] ?? "")" }
            let response = try await client.postEvent(
                target: "/v1/external-events/webhook?" + query.joined(separator: "&"),
                body: #"{"cid": "\#(minted.externalEventID)"}"#)
            #expect(response.status == 400)
            #expect(response.errorMessage == "Missing query parameter: \(missing)")
        }
    }

    @Test("several missing parameters are all named")
    func severalMissing() async throws {
        try await withSandbox(try standardOptions()) { client in
            let response = try await client.postEvent(
                target: "/v1/external-events/webhook?event_id_location=payload", body: "{}")
            #expect(response.status == 400)
            #expect(response.errorMessage == "Missing query parameters: event_id_path, account_id, project_id")
        }
    }

    @Test("an unknown event_id_location is a 400 that says what is allowed")
    func invalidLocation() async throws {
        try await withSandbox(try standardOptions()) { client in
            let response = try await client.postEvent(
                target: SandboxClient.webhookTarget(location: "cookie"), body: "{}")
            #expect(response.status == 400)
            #expect(
                response.errorMessage
                    == "Invalid query parameter event_id_location: expected headers, querystring or payload")
        }
    }

    @Test("an unsupported content type is refused with 415", arguments: ["image/png", "text/html"])
    func unsupportedContentType(_ contentType: String) async throws {
        try await withSandbox(try standardOptions()) { client in
            let minted = try await client.startConversation()
            let response = try await client.postEvent(
                contentType: contentType, body: #"{"cid": "\#(minted.externalEventID)"}"#)
            #expect(response.status == 415)
            #expect(
                response.errorMessage
                    == "Unsupported Content-Type \(contentType): use application/json, "
                    + "application/x-www-form-urlencoded, application/xml or text/plain")
        }
    }

    @Test("a request without a content type is refused with 415")
    func missingContentType() async throws {
        try await withSandbox(try standardOptions()) { client in
            let minted = try await client.startConversation()
            let response = try await client.postEvent(contentType: nil, body: #"{"cid": "\#(minted.externalEventID)"}"#)
            #expect(response.status == 415)
            #expect(
                response.errorMessage
                    == "Missing Content-Type: use application/json, application/x-www-form-urlencoded, "
                    + "application/xml or text/plain")
        }
    }

    @Test("a body over the limit is refused with 413, whether its length is declared or streamed")
    func bodyTooLarge() async throws {
        let options = try standardOptions { $0.maxBodyBytes = 64 }
        try await withSandbox(options) { client in
            let minted = try await client.startConversation()
            let body = #"{"cid": "\#(minted.externalEventID)", "padding": "\#(String(repeating: "x", count: 80))"}"#
            let declared = try await client.postEvent(body: body)
            #expect(declared.status == 413)
            #expect(declared.errorMessage == "Request body larger than 64 bytes")

            let streamed = try await RawHTTPClient.send(
                port: client.port, method: "POST", target: SandboxClient.webhookTarget(),
                headers: [("X-Api-Key", "sk-sandbox-quickstart-0001"), ("Content-Type", "application/json")],
                body: body, chunked: true)
            #expect(streamed.status == 413)
            #expect(streamed.errorMessage == "Request body larger than 64 bytes")

            let conversation = try await client.conversation(minted.conversationID)
            #expect(conversation.events.isEmpty)
        }
    }

    @Test("a body at the limit is accepted")
    func bodyAtLimit() async throws {
        let options = try standardOptions { $0.maxBodyBytes = 64 }
        try await withSandbox(options) { client in
            let minted = try await client.startConversation()
            var body = #"{"cid": "\#(minted.externalEventID)", "p": ""}"#
            body.insert(contentsOf: String(repeating: "y", count: 64 - body.utf8.count), at: body.index(body.endIndex, offsetBy: -2))
            #expect(body.utf8.count == 64)
            let response = try await client.postEvent(body: body)
            #expect(response.status == 201)
        }
    }

    @Test("an id missing from the request is a 400 'not found'")
    func idNotFound() async throws {
        try await withSandbox(try standardOptions()) { client in
            let response = try await client.postEvent(body: #"{"other": "value"}"#)
            #expect(response.status == 400)
            #expect(response.errorMessage == "External event id not found in request")
        }
    }

    @Test("a malformed JSON body yields 'not found', never a crash")
    func malformedJSON() async throws {
        try await withSandbox(try standardOptions()) { client in
            let deep = String(repeating: "[", count: 100_000)
            for body in [#"{"cid": "#, #"{"cid" "x"}"#, deep, "not json at all", ""] {
                let response = try await client.postEvent(body: body)
                #expect(response.status == 400)
                #expect(response.errorMessage == "External event id not found in request")
            }
        }
    }

    @Test("an id that was never minted is a 400 'not valid'")
    func idNeverMinted() async throws {
        try await withSandbox(try standardOptions()) { client in
            let response = try await client.postEvent(body: #"{"cid": "made-up-id"}"#)
            #expect(response.status == 400)
            #expect(response.errorMessage == "External event id not valid")
        }
    }

    @Test("an id stops being valid when its lifetime has passed")
    func idExpires() async throws {
        let clock = TestClock()
        let options = try standardOptions(clock: clock) { $0.eventIDLifetime = .seconds(3600) }
        try await withSandbox(options) { client in
            let minted = try await client.startConversation()
            let expiry = try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(minted.expiresAt)
            #expect(expiry == clock.now().addingTimeInterval(3600))
            clock.advance(seconds: 3599)
            let inTime = try await client.postEvent(body: #"{"cid": "\#(minted.externalEventID)"}"#)
            #expect(inTime.status == 201)
            clock.advance(seconds: 1)
            let late = try await client.postEvent(body: #"{"cid": "\#(minted.externalEventID)"}"#)
            #expect(late.status == 400)
            #expect(late.errorMessage == "External event id not valid")
            let conversation = try await client.conversation(minted.conversationID)
            #expect(conversation.events.count == 1)
        }
    }

    @Test("an id minted for another project is a 400 'not valid'")
    func idOfOtherProject() async throws {
        try await withSandbox(try standardOptions()) { client in
            let minted = try await client.startConversation(project: "PROJECT-OTHER")
            let response = try await client.postEvent(body: #"{"cid": "\#(minted.externalEventID)"}"#)
            #expect(response.status == 400)
            #expect(response.errorMessage == "External event id not valid")
        }
    }

    @Test("an accepted event gets 201 with an empty body")
    func accepted() async throws {
        try await withSandbox(try standardOptions()) { client in
            let minted = try await client.startConversation()
            let response = try await client.postEvent(body: #"{"cid": "\#(minted.externalEventID)"}"#)
            #expect(response.status == 201)
            #expect(response.body.isEmpty)
        }
    }

    @Test("the wrong method on the endpoint is a 405 naming the right one")
    func wrongMethod() async throws {
        try await withSandbox(try standardOptions()) { client in
            let response = try await RawHTTPClient.send(
                port: client.port, method: "GET", target: SandboxClient.webhookTarget())
            #expect(response.status == 405)
            #expect(response.header("Allow") == "POST")
        }
    }
}
