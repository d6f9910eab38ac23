import Foundation
import Logging
import Testing
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardBridge
import SwitchboardStore
import HubSpot

/// A HubSpot batch fans out into one External Event per event: a replay posts only what was not delivered.
@Suite("Replaying dead letters of a batch: what was delivered is never posted again")
struct DeadLetterFanOutTests {
    static let secret = "hubspot-client-secret-fan-out"

    static func yaml(endpoint: String, journal: String, eventIDPath: String = "propertyValue") -> String {
        """
        polyai: { endpoint: \(endpoint), account_id: ws-test }
        listen: 127.0.0.1:0
        admin: 127.0.0.1:0
        journal: \(journal)
        integrations:
          crm:
            plugin: hubspot
            project_id: PROJECT-TEST
            key: { env: TEST_KEY_BOOKINGS, agents: [PROJECT-TEST], permissions: [external_events], expires: 2099-01-01 }
            options: { signing_secret: "${HUBSPOT_SECRET}", event_id: { from: json, path: \(eventIDPath) } }
            retry: { max_attempts: 5, base: 50ms, cap: 200ms, deadline: 55m }
        routes:
          - { from: { webhook: /hooks/hubspot }, to: crm }
        """
    }

    static func bridge(_ sink: ScriptedSink, eventIDPath: String = "propertyValue") async throws -> (TestBridge, String) {
        let base = try await sink.start()
        let bridge = try TestBridge(
            yaml: yaml(endpoint: base, journal: temporaryDirectory(), eventIDPath: eventIDPath), directory: temporaryDirectory(),
            environment: ["HUBSPOT_SECRET": secret]
        )
        return (bridge, base)
    }

    /// A batch as HubSpot sends it: `eventId` 1, 2, 3, ... with the given external event ids as `propertyValue`.
    static func batch(_ ids: [String]) -> String {
        "[" + ids.enumerated().map { index, id in
            #"{"eventId":\#(index + 1),"subscriptionType":"contact.propertyChange","propertyName":"polyai_cid","propertyValue":"\#(id)"}"#
        }.joined(separator: ",") + "]"
    }

    /// Posts a batch signed with HubSpot's v3 scheme through the real `curl`; returns the status.
    static func post(_ body: String, to bridge: TestBridge) async throws -> Int {
        let url = await bridge.webhookURL + "/hooks/hubspot"
        let timestamp = String(Int64(Date().timeIntervalSince1970 * 1000))
        let mac = HMACDigest.sha256.code(key: Array(secret.utf8), message: Array(("POST" + url + body + timestamp).utf8))
        let headers = [
            ("Content-Type", "application/json"), ("X-HubSpot-Signature-v3", Data(mac).base64EncodedString()),
            ("X-HubSpot-Request-Timestamp", timestamp),
        ]
        return try await curl(url, body: body, headers: headers).status
    }

    static func replayer(_ bridge: TestBridge, base: String, clock: any DeliveryClock = SystemDeliveryClock()) -> DeadLetterReplay {
        DeadLetterReplay(
            journal: bridge.bridge.journal,
            integrations: ["crm": HubSpotIntegration(secrets: SigningSecrets([secret])!)],
            destinations: ["crm": PolyAIDestination(baseURL: base, accountID: "ws-test", projectID: "PROJECT-TEST", key: KeyHolder(APIKey(TestBridge.key)))],
            transport: ExternalEventsClient(client: bridge.client), clock: clock
        )
    }

    @Test("a batch of 3 where PolyAI refuses one with 400: one dead letter, and its replay posts exactly that event")
    func oneOfThreeRefused() async throws {
        let sink = ScriptedSink()
        defer { sink.stop() }
        let (bridge, base) = try await Self.bridge(sink)
        sink.script("EXT-FAN-2", [.init(status: 400, body: #"{"error_message":"External event id not valid"}"#)])

        #expect(try await Self.post(Self.batch(["EXT-FAN-1", "EXT-FAN-2", "EXT-FAN-3"]), to: bridge) == 202)
        #expect(await sink.waitForAccepted(2))
        #expect(await waitUntil(seconds: 10) { (try? bridge.bridge.journal.deadLetterCount()) == 1 && bridge.bridge.journal.depth == 0 })
        let letter = try #require(try bridge.bridge.journal.deadLetters(limit: 10, integration: nil).first)
        #expect(letter.reason == "rejected")
        #expect(letter.eventID == "EXT-FAN-2")
        #expect(sink.received.count == 3)

        // The operator fixed the cause; PolyAI now takes it.
        #expect(try await Self.replayer(bridge, base: base).replay(letter) == .delivered(1))
        #expect(sink.received.count == 4)
        let resent = try #require(sink.received.last)
        #expect(resent.eventID == "EXT-FAN-2")
        #expect(resent.bodyText.contains(#""eventId":2"#))
        #expect(!resent.bodyText.contains("EXT-FAN-1") && !resent.bodyText.contains("EXT-FAN-3"))
        #expect(sink.accepted.compactMap(\.eventID).sorted() == ["EXT-FAN-1", "EXT-FAN-2", "EXT-FAN-3"])
        #expect(try bridge.bridge.journal.deadLetterCount() == 0)
        await bridge.stop()
    }

    @Test("a batch dead-lettered whole (no id where configured) is mapped again; when only part is accepted, only the rest is kept, in order")
    func wholeBatchPartlyAccepted() async throws {
        let sink = ScriptedSink()
        defer { sink.stop() }
        // The id is looked for in the wrong field: the whole batch is dead-lettered, nothing is posted.
        let (bridge, base) = try await Self.bridge(sink, eventIDPath: "polyai_cid")
        #expect(try await Self.post(Self.batch(["EXT-WHOLE-1", "EXT-WHOLE-2", "EXT-WHOLE-2"]), to: bridge) == 202)
        #expect(await waitUntil(seconds: 10) { (try? bridge.bridge.journal.deadLetterCount()) == 1 && bridge.bridge.journal.depth == 0 })
        let whole = try #require(try bridge.bridge.journal.deadLetters(limit: 10, integration: nil).first)
        #expect(whole.reason == "no_event_id")
        #expect(sink.received.isEmpty)

        // Replayed with the integration fixed (id in propertyValue); PolyAI has a hiccup on the second event, so
        // the third (same conversation) waits behind it.
        sink.script("EXT-WHOLE-2", [.init(status: 503)])
        let replay = Self.replayer(bridge, base: base)
        #expect(try await replay.replay(whole) == .partlyDelivered(delivered: 1, kept: 2, status: 503, message: "HTTP 503"))
        #expect(sink.received.map(\.status) == [201, 503])
        let kept = try bridge.bridge.journal.deadLetters(matching: DeadLetterFilter(), order: .oldestFirst, after: nil, limit: 10)
        #expect(kept.map(\.eventID) == ["EXT-WHOLE-2", "EXT-WHOLE-2"])
        #expect(kept.map(\.reason) == ["max_attempts", "max_attempts"])
        #expect(kept.map(\.lastStatus) == [503, nil])
        #expect(kept.map(\.attempts) == [1, 0])
        #expect(kept[1].errorMessage?.contains("not posted") == true)
        #expect(kept.allSatisfy { $0.firstSeenMillis == whole.firstSeenMillis })

        // The next replay posts only those two, oldest first: the first event is not posted again.
        for letter in kept {
            #expect(try await replay.replay(letter) == .delivered(1))
        }
        let delivered = sink.accepted
        #expect(delivered.count == 3)
        #expect(delivered.map { $0.bodyText.contains(#""eventId":1"#) } == [true, false, false])
        #expect(delivered.map { $0.bodyText.contains(#""eventId":3"#) } == [false, false, true])
        #expect(try bridge.bridge.journal.deadLetterCount() == 0)
        await bridge.stop()
    }

    @Test("an event first seen more than an hour ago is skipped as expired and kept; forced, it is posted")
    func expiredIsSkipped() async throws {
        let sink = ScriptedSink()
        defer { sink.stop() }
        let base = try await sink.start()
        let clock = ManualClock()
        let journal = try Journal(directory: temporaryDirectory(), capacity: 10, logger: Logger(label: "test"))
        defer { journal.close() }
        let client = CurlHTTPClient(logger: Logger(label: "test"))
        defer { client.shutdown() }
        func letter(_ id: String, age: Duration) -> NewDeadLetter {
            let seen = clock.nowMillis() - age.milliseconds
            return NewDeadLetter(
                integration: "crm", route: "webhook:/hooks/crm", reason: "rejected", attempts: 1, lastStatus: 404,
                errorMessage: "no active conversation", correlationID: nil, eventID: id, firstSeenMillis: seen,
                deadLetteredAtMillis: seen, contentType: "application/json", metadata: Array("external:payload:cid".utf8),
                body: Array(#"{"cid":"\#(id)"}"#.utf8)
            )
        }
        let old = try await journal.addDeadLetter(letter("EXT-OLD", age: .seconds(3_601)))
        let young = try await journal.addDeadLetter(letter("EXT-YOUNG", age: .seconds(3_540)))
        let replay = DeadLetterReplay(
            journal: journal, integrations: [:],
            destinations: ["crm": PolyAIDestination(baseURL: base, accountID: "ws-test", projectID: "PROJECT-TEST", key: KeyHolder(APIKey(TestBridge.key)))],
            transport: ExternalEventsClient(client: client), clock: clock
        )

        let oldLetter = try #require(try journal.deadLetter(id: old))
        #expect(replay.isExpired(oldLetter))
        #expect(try await replay.replay(oldLetter) == .expired(firstSeenMillis: oldLetter.firstSeenMillis))
        #expect(sink.received.isEmpty)
        #expect(try journal.deadLetter(id: old) != nil)

        #expect(try await replay.replay(try #require(try journal.deadLetter(id: young))) == .delivered(1))
        #expect(try await replay.replay(oldLetter, force: true) == .delivered(1))
        #expect(sink.accepted.compactMap(\.eventID) == ["EXT-YOUNG", "EXT-OLD"])
        #expect(try journal.deadLetterCount() == 0)
    }
}
