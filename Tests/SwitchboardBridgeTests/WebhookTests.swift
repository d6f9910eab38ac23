import Foundation
import Testing
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardBridge
import SwitchboardStore

@Suite("Webhook listener: real HTTP in, journal, real HTTP out")
struct WebhookTests {
    @Test("a webhook is acknowledged 202 and delivered with the integration's key; the journal is emptied")
    func acceptedAndDelivered() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let bridge = try TestBridge(yaml: TestBridge.yaml(endpoint: base, journal: temporaryDirectory()), directory: temporaryDirectory())
        let url = await bridge.webhookURL

        let response = try await httpRequest(bridge.client, url + "/hooks/bookings?source=crm", body: #"{"cid":"EXT-42","status":"confirmed"}"#)
        #expect(response.status == 202)
        #expect(String(decoding: response.body, as: UTF8.self).contains("accepted"))
        #expect(await sink.waitForAccepted(1))
        let delivered = try #require(sink.accepted.first)
        #expect(delivered.eventID == "EXT-42")
        #expect(delivered.bodyText == #"{"cid":"EXT-42","status":"confirmed"}"#)
        #expect(delivered.header("x-api-key") == TestBridge.key)
        #expect(await waitUntil(seconds: 10) { bridge.bridge.journal.depth == 0 })
        await bridge.stop()
    }

    @Test("an unknown path is 404, a GET on a webhook path is 405")
    func unknownPath() async throws {
        let bridge = try TestBridge(yaml: TestBridge.yaml(endpoint: "http://127.0.0.1:9", journal: temporaryDirectory()), directory: temporaryDirectory())
        let url = await bridge.webhookURL
        #expect(try await httpRequest(bridge.client, url + "/hooks/nope", body: "{}").status == 404)
        #expect(try await httpRequest(bridge.client, url + "/hooks/bookings", method: "GET").status == 405)
        #expect(bridge.bridge.journal.depth == 0)
        await bridge.stop()
    }

    @Test("a body over the limit is refused with 413 and not journalled")
    func bodyTooLarge() async throws {
        let bridge = try TestBridge(yaml: TestBridge.yaml(endpoint: "http://127.0.0.1:9", journal: temporaryDirectory(), maxBody: "1KiB"), directory: temporaryDirectory())
        let url = await bridge.webhookURL
        let big = #"{"cid":"X","pad":""# + String(repeating: "a", count: 4096) + #""}"#
        #expect(try await httpRequest(bridge.client, url + "/hooks/bookings", body: big).status == 413)
        #expect(try await httpRequest(bridge.client, url + "/hooks/bookings", body: #"{"cid":"small"}"#).status == 202)
        #expect(bridge.bridge.journal.depth <= 1)
        await bridge.stop()
    }

    @Test("a full journal answers 503 with Retry-After, and the journalled event is kept")
    func journalFull() async throws {
        // Nothing listens on the destination: the first event stays journalled, retrying.
        let bridge = try TestBridge(
            yaml: TestBridge.yaml(endpoint: "http://127.0.0.1:9", journal: temporaryDirectory(), capacity: 1, retry: "{ max_attempts: 100, base: 1s, cap: 5s, deadline: 55m }"),
            directory: temporaryDirectory()
        )
        let url = await bridge.webhookURL
        #expect(try await httpRequest(bridge.client, url + "/hooks/bookings", body: #"{"cid":"first"}"#).status == 202)
        let refused = try await httpRequest(bridge.client, url + "/hooks/bookings", body: #"{"cid":"second"}"#)
        #expect(refused.status == 503)
        #expect(refused.header("retry-after") == "5")
        #expect(bridge.bridge.journal.depth == 1)
        await bridge.stop()
    }

    @Test("an event without the external event id is dead-lettered no_event_id at once, others still flow")
    func missingEventID() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let journalDirectory = temporaryDirectory()
        let bridge = try TestBridge(yaml: TestBridge.yaml(endpoint: base, journal: journalDirectory), directory: temporaryDirectory())
        let url = await bridge.webhookURL
        #expect(try await httpRequest(bridge.client, url + "/hooks/bookings", body: #"{"status":"no id here"}"#).status == 202)
        #expect(try await httpRequest(bridge.client, url + "/hooks/bookings", body: #"{"cid":"OK-1"}"#).status == 202)
        #expect(await sink.waitForAccepted(1))
        #expect(await waitUntil(seconds: 10) { (try? bridge.bridge.journal.deadLetterCount()) == 1 })
        let letter = try #require(try bridge.bridge.journal.deadLetters(limit: 10, integration: nil).first)
        #expect(letter.reason == "no_event_id")
        #expect(letter.integration == "bookings")
        #expect(String(decoding: letter.body, as: UTF8.self) == #"{"status":"no id here"}"#)
        #expect(await waitUntil(seconds: 10) { bridge.bridge.journal.depth == 0 })
        await bridge.stop()
    }

    @Test("hostile bodies: too deep JSON is refused with 400, not JSON or binary is dead-lettered; none crashes or blocks others")
    func hostileBodies() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let bridge = try TestBridge(yaml: TestBridge.yaml(endpoint: base, journal: temporaryDirectory()), directory: temporaryDirectory())
        let url = await bridge.webhookURL
        // Nesting past webhook.max_depth is refused at the door (400), before anything is stored.
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let refused = try await httpRequest(bridge.client, url + "/hooks/bookings", body: deep)
        #expect(refused.status == 400)
        #expect(String(decoding: refused.body, as: UTF8.self).contains("deeper than 64 levels"))
        for body in ["not json at all", "\u{0}\u{1}\u{2}\u{FFFD}", ""] {
            #expect(try await httpRequest(bridge.client, url + "/hooks/bookings", body: body).status == 202)
        }
        #expect(try await httpRequest(bridge.client, url + "/hooks/bookings", body: #"{"cid":"after-hostile"}"#).status == 202)
        #expect(await sink.waitForAccepted(1))
        #expect(await waitUntil(seconds: 10) { (try? bridge.bridge.journal.deadLetterCount()) == 3 })
        let reasons = Set(try bridge.bridge.journal.deadLetters(limit: 10, integration: nil).map(\.reason))
        #expect(reasons == ["bad_payload"])
        await bridge.stop()
    }

    @Test("a 400 from PolyAI lands in the dead letters with status, error_message and correlation id")
    func rejectedByPolyAI() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        sink.script("GONE-1", [.init(status: 400, body: #"{"error_message": "External event id not valid"}"#)])
        let bridge = try TestBridge(yaml: TestBridge.yaml(endpoint: base, journal: temporaryDirectory()), directory: temporaryDirectory())
        let url = await bridge.webhookURL
        #expect(try await httpRequest(bridge.client, url + "/hooks/bookings", body: #"{"cid":"GONE-1"}"#).status == 202)
        #expect(await waitUntil(seconds: 10) { (try? bridge.bridge.journal.deadLetterCount()) == 1 })
        let letter = try #require(try bridge.bridge.journal.deadLetters(limit: 1, integration: "bookings").first)
        #expect(letter.reason == "rejected")
        #expect(letter.lastStatus == 400)
        #expect(letter.errorMessage == "External event id not valid")
        #expect(letter.correlationID?.hasPrefix("corr-") == true)
        #expect(letter.eventID == "GONE-1")
        #expect(letter.attempts == 1)
        await bridge.stop()
    }

    @Test("events journalled before a stop are delivered by the next start")
    func replayAfterRestart() async throws {
        let journalDirectory = temporaryDirectory()
        let yamlDead = TestBridge.yaml(endpoint: "http://127.0.0.1:9", journal: journalDirectory, retry: "{ max_attempts: 100, base: 1s, cap: 5s, deadline: 55m }")
        let first = try TestBridge(yaml: yamlDead, directory: temporaryDirectory())
        let url = await first.webhookURL
        for index in 0..<5 {
            #expect(try await httpRequest(first.client, url + "/hooks/bookings", body: #"{"cid":"KEEP-\#(index)"}"#).status == 202)
        }
        await first.stop()

        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let second = try TestBridge(yaml: TestBridge.yaml(endpoint: base, journal: journalDirectory), directory: temporaryDirectory())
        #expect(await sink.waitForAccepted(5))
        #expect(Set(sink.accepted.compactMap(\.eventID)) == Set((0..<5).map { "KEEP-\($0)" }))
        #expect(await waitUntil(seconds: 10) { second.bridge.journal.depth == 0 })
        await second.stop()
    }

    @Test("admin: healthz, readyz and metrics answer")
    func adminEndpoints() async throws {
        let bridge = try TestBridge(yaml: TestBridge.yaml(endpoint: "http://127.0.0.1:9", journal: temporaryDirectory()), directory: temporaryDirectory())
        _ = await bridge.webhookURL
        let admin = await bridge.adminURL
        #expect(try await httpRequest(bridge.client, admin + "/healthz", method: "GET").status == 200)
        let ready = try await httpRequest(bridge.client, admin + "/readyz", method: "GET")
        #expect(ready.status == 200)
        #expect(String(decoding: ready.body, as: UTF8.self).contains(#""journal":"writable""#))
        let metrics = try await httpRequest(bridge.client, admin + "/metrics", method: "GET")
        #expect(metrics.status == 200)
        #expect(String(decoding: metrics.body, as: UTF8.self).contains("switchboard_journal_depth"))
        #expect(!String(decoding: metrics.body, as: UTF8.self).contains(TestBridge.key))
        await bridge.stop()
    }
}
