import Foundation
import Testing

import SwitchboardSandbox

@Suite("The id is found where event_id_location says, and the body is stored intact")
struct EventIDLocationTests {
    @Test("event_id_location=headers reads the named header")
    func inHeader() async throws {
        try await withSandbox(try standardOptions()) { client in
            let minted = try await client.startConversation()
            let body = #"{"status": "paid", "amount": 1200}"#
            let response = try await client.postEvent(
                target: SandboxClient.webhookTarget(location: "headers", path: "X-Conversation-Ref"),
                headers: [("x-conversation-ref", minted.externalEventID)], body: body)
            #expect(response.status == 201)
            let conversation = try await client.conversation(minted.conversationID)
            #expect(conversation.events.map(\.data) == [body])
            #expect(conversation.events.first?.extEventID == minted.externalEventID)
        }
    }

    @Test("event_id_location=querystring reads the named query parameter")
    func inQueryString() async throws {
        try await withSandbox(try standardOptions()) { client in
            let minted = try await client.startConversation()
            let response = try await client.postEvent(
                target: SandboxClient.webhookTarget(location: "querystring", path: "ref", extra: "ref=\(minted.externalEventID)"),
                contentType: "text/plain", body: "payment received")
            #expect(response.status == 201)
            let conversation = try await client.conversation(minted.conversationID)
            #expect(conversation.events.map(\.data) == ["payment received"])
        }
    }

    @Test("a JSON payload is searched by dotted path, numeric segments indexing arrays")
    func jsonPath() async throws {
        try await withSandbox(try standardOptions()) { client in
            let minted = try await client.startConversation()
            let body = """
                {"type": "payment_intent.succeeded", "data": {"objects": [{"metadata": {"cid": "wrong"}},
                {"metadata": {"note": "a \\"quoted\\" value", "cid": "\(minted.externalEventID)"}}]}}
                """
            let response = try await client.postEvent(
                target: SandboxClient.webhookTarget(path: "data.objects.1.metadata.cid"), body: body)
            #expect(response.status == 201)
            let conversation = try await client.conversation(minted.conversationID)
            #expect(conversation.events.map(\.data) == [body])
            #expect(conversation.events.first?.contentType == "application/json")
        }
    }

    @Test("a JSON id with escapes is decoded before it is checked")
    func jsonEscapedID() async throws {
        try await withSandbox(try standardOptions()) { client in
            let minted = try await client.startConversation()
            let escaped = minted.externalEventID.replacingOccurrences(of: "-", with: "\\u002d")
            let response = try await client.postEvent(body: #"{"cid": "\#(escaped)"}"#)
            #expect(response.status == 201)
        }
    }

    @Test("deeply nested JSON before the id is skipped safely")
    func deepJSON() async throws {
        try await withSandbox(try standardOptions()) { client in
            let minted = try await client.startConversation()
            let deep = String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000)
            let body = #"{"noise": \#(deep), "cid": "\#(minted.externalEventID)"}"#
            let response = try await client.postEvent(body: body)
            #expect(response.status == 201)
        }
    }

    @Test("a form body is searched by field name, and stored as sent")
    func formField() async throws {
        try await withSandbox(try standardOptions()) { client in
            let minted = try await client.startConversation()
            let body = "status=paid&note=hello+world%21&cid=\(minted.externalEventID)"
            let response = try await client.postEvent(
                contentType: "application/x-www-form-urlencoded", body: body)
            #expect(response.status == 201)
            let conversation = try await client.conversation(minted.conversationID)
            #expect(conversation.events.map(\.data) == [body])
            #expect(conversation.events.first?.contentType == "application/x-www-form-urlencoded")
        }
    }

    @Test("an XML body is searched by element path, from the root or below it, with namespaces and entities")
    func xmlElement() async throws {
        try await withSandbox(try standardOptions()) { client in
            let minted = try await client.startConversation()
            let body = """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- a booking confirmation -->
                <bk:booking xmlns:bk="urn:example" status="confirmed">
                  <bk:guest name="A &amp; B">Ann</bk:guest>
                  <bk:meta><bk:cid> \(minted.externalEventID) </bk:cid></bk:meta>
                </bk:booking>
                """
            let fromRoot = try await client.postEvent(
                target: SandboxClient.webhookTarget(path: "booking.meta.cid"), contentType: "application/xml",
                body: body)
            #expect(fromRoot.status == 201)
            let belowRoot = try await client.postEvent(
                target: SandboxClient.webhookTarget(path: "meta.cid"), contentType: "application/xml; charset=utf-8",
                body: body)
            #expect(belowRoot.status == 201)
            let absent = try await client.postEvent(
                target: SandboxClient.webhookTarget(path: "meta.missing"), contentType: "application/xml", body: body)
            #expect(absent.status == 400)
            #expect(absent.errorMessage == "External event id not found in request")
            let conversation = try await client.conversation(minted.conversationID)
            #expect(conversation.events.map(\.data) == [body, body])
            #expect(conversation.events.map(\.contentType) == ["application/xml", "application/xml; charset=utf-8"])
        }
    }

    @Test("an XML id is found past comments, CDATA and attributes holding '>'; a document with a DTD is not searched")
    func xmlStructure() async throws {
        try await withSandbox(try standardOptions()) { client in
            let minted = try await client.startConversation()
            let body = """
                <?xml version="1.0" encoding="UTF-8"?>
                <e note="a > b"><!-- <cid>decoy</cid> --><x><![CDATA[<cid>decoy</cid>]]></x><cid>\(minted.externalEventID)</cid></e>
                """
            let found = try await client.postEvent(contentType: "application/xml", body: body)
            #expect(found.status == 201)
            let withDTD = "<!DOCTYPE e [<!ENTITY id \"\(minted.externalEventID)\">]><e><cid>&id;</cid></e>"
            let refused = try await client.postEvent(contentType: "application/xml", body: withDTD)
            #expect(refused.status == 400)
            #expect(refused.errorMessage == "External event id not found in request")
        }
    }

    @Test("XML entities and CDATA in the id element are decoded")
    func xmlEntities() async throws {
        try await withSandbox(try standardOptions()) { client in
            let minted = try await client.startConversation()
            let id = minted.externalEventID
            let half = id.index(id.startIndex, offsetBy: 10)
            let body = "<e><cid>\(id[..<half].replacingOccurrences(of: "-", with: "&#45;"))<![CDATA[\(id[half...])]]></cid></e>"
            let response = try await client.postEvent(contentType: "application/xml", body: body)
            #expect(response.status == 201)
        }
    }

    @Test("a text/plain payload holding JSON is searched as JSON, and its content type kept with parameters")
    func plainText() async throws {
        try await withSandbox(try standardOptions()) { client in
            let minted = try await client.startConversation()
            let body = #"{"cid": "\#(minted.externalEventID)", "text": "Ünïcödé ✓"}"#
            let response = try await client.postEvent(contentType: "text/plain; charset=utf-8", body: body)
            #expect(response.status == 201)
            let conversation = try await client.conversation(minted.conversationID)
            #expect(conversation.events.map(\.data) == [body])
            #expect(conversation.events.first?.contentType == "text/plain; charset=utf-8")
        }
    }

    @Test("events reach the conversation of their id, in arrival order, with send_to_llm from the id")
    func bindsToConversation() async throws {
        try await withSandbox(try standardOptions()) { client in
            let first = try await client.startConversation()
            let second = try await client.startConversation(sendToLLM: false)
            let another = try await client.mintAnother(conversationID: first.conversationID)
            #expect(another.status == 201)
            let anotherID = try JSONDecoder().decode(Minted.self, from: Data(another.body.utf8))
            #expect(anotherID.conversationID == first.conversationID)

            for (index, id) in [first.externalEventID, second.externalEventID, anotherID.externalEventID].enumerated() {
                let response = try await client.postEvent(body: #"{"cid": "\#(id)", "n": \#(index)}"#)
                #expect(response.status == 201)
            }
            let one = try await client.conversation(first.conversationID)
            #expect(one.events.map(\.extEventID) == [first.externalEventID, anotherID.externalEventID])
            #expect(one.events.map(\.sendToLLM) == [true, true])
            let two = try await client.conversation(second.conversationID)
            #expect(two.events.map(\.extEventID) == [second.externalEventID])
            #expect(two.events.map(\.sendToLLM) == [false])

            let all = try await client.conversations()
            #expect(all.map(\.conversationID) == [first.conversationID, second.conversationID])
        }
    }
}
