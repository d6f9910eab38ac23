import Testing
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardBridge
import Mapping

@Suite("Replaying dead letters")
struct DeadLetterReplayTests {
    @Test("a dead letter is posted again as it was kept and removed once accepted; one that still cannot map stays")
    func replay() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        sink.script("LATE-1", [.init(status: 404, body: #"{"error_message":"no active conversation"}"#)])
        let bridge = try TestBridge(yaml: TestBridge.yaml(endpoint: base, journal: temporaryDirectory()), directory: temporaryDirectory())
        let url = await bridge.webhookURL + "/hooks/bookings"
        #expect(try await httpRequest(bridge.client, url, body: #"{"cid":"LATE-1","n":1}"#).status == 202)
        #expect(try await httpRequest(bridge.client, url, body: #"{"missing":"id"}"#).status == 202)
        #expect(await waitUntil(seconds: 10) { (try? bridge.bridge.journal.deadLetterCount()) == 2 })
        let letters = try bridge.bridge.journal.deadLetters(limit: 10, integration: nil)
        let rejected = try #require(letters.first { $0.reason == "rejected" })
        let unmapped = try #require(letters.first { $0.reason == "no_event_id" })

        let replay = DeadLetterReplay(
            journal: bridge.bridge.journal,
            integrations: ["bookings": MappingIntegration(idSource: .json, idPath: "cid", body: .passthrough)],
            destinations: ["bookings": PolyAIDestination(baseURL: base, accountID: "ws-test", projectID: "PROJECT-TEST", key: KeyHolder(APIKey(TestBridge.key)))],
            transport: ExternalEventsClient(client: bridge.client)
        )
        #expect(try await replay.replay(rejected) == .delivered(1))
        let resent = try #require(sink.accepted.last)
        #expect(resent.eventID == "LATE-1")
        #expect(resent.bodyText == #"{"cid":"LATE-1","n":1}"#)
        #expect(resent.queryValue("event_id_location") == "payload")

        guard case .failed(nil, let message) = try await replay.replay(unmapped) else {
            Issue.record("an event without an id cannot be replayed")
            return
        }
        #expect(message.contains("no_event_id"))
        #expect(try bridge.bridge.journal.deadLetters(limit: 10, integration: nil).map(\.reason) == ["no_event_id"])
        await bridge.stop()
    }
}
