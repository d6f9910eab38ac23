import Logging
import Testing
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardBridge

@Suite("What arrives at the External Events API")
struct DeliveryRequestTests {
    static let bodies: [(contentType: String, body: String)] = [
        ("application/json", #"{"cid":"ID-1","amount":12.5,"note":"ünïcødé ✓"}"#),
        ("application/x-www-form-urlencoded", "cid=ID-1&status=paid&note=a%20b%26c"),
        ("application/xml", "<event><cid>ID-1</cid><status>paid</status></event>"),
        ("text/plain; charset=utf-8", "payment ID-1 settled"),
    ]

    static let locations: [EventIDLocation] = [.header("X-Conversation-Event"), .query("ext_id"), .payload("cid")]

    @Test("each id location and each content type arrives intact", arguments: locations)
    func requestShape(location: EventIDLocation) async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let client = CurlHTTPClient(logger: Logger(label: "test"))
        defer { client.shutdown() }
        let destination = PolyAIDestination(
            baseURL: base + "/", accountID: "ws-fd112d8f", projectID: "PROJECT-58RP822I",
            key: KeyHolder(APIKey("sk-live-abcdef123456")), timeout: .seconds(5)
        )
        let transport = ExternalEventsClient(client: client)
        for (contentType, body) in Self.bodies {
            let event = ExternalEvent(eventID: "ID-1", idLocation: location, body: Array(body.utf8), contentType: contentType)
            let result = await transport.send(destination.request(for: event))
            guard case .response(let status, _, _) = result else {
                Issue.record("no response: \(result)")
                continue
            }
            #expect(status == 201)
        }
        let received = sink.received
        #expect(received.count == Self.bodies.count)
        for (request, expected) in zip(received, Self.bodies) {
            #expect(request.queryValue("event_id_location") == location.locationName)
            #expect(request.queryValue("event_id_path") == location.path)
            #expect(request.queryValue("account_id") == "ws-fd112d8f")
            #expect(request.queryValue("project_id") == "PROJECT-58RP822I")
            #expect(request.header("x-api-key") == "sk-live-abcdef123456")
            #expect(request.header("content-type") == expected.contentType)
            #expect(request.body == Array(expected.body.utf8))
            switch location {
            case .header(let name): #expect(request.header(name) == "ID-1")
            case .query(let name): #expect(request.queryValue(name) == "ID-1")
            case .payload: #expect(request.bodyText.contains("ID-1"))
            }
        }
    }
}
