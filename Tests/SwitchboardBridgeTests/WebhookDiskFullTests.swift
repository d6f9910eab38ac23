import Foundation
import Testing
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardBridge

/// A full disk under the journal, staged with `PRAGMA max_page_count` on its writer connection
/// (`Journal.setMaxPageCount`, a testing aid), with real HTTP requests to the running listener.
@Suite("Webhook listener on a full disk")
struct WebhookDiskFullTests {
    @Test("a full disk answers 503 with Retry-After; once space returns, 202 again, and every event acknowledged is delivered")
    func diskFullAndBack() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        // PolyAI is down while the disk fills, so acknowledged events stay journalled (retrying) and no outcome frees room.
        sink.setDefault(.init(status: 503))
        let bridge = try TestBridge(
            yaml: TestBridge.yaml(endpoint: base, journal: temporaryDirectory(), retry: "{ max_attempts: 10000, base: 50ms, cap: 200ms, deadline: 55m }"),
            directory: temporaryDirectory()
        )
        let url = await bridge.webhookURL + "/hooks/bookings"
        let padding = String(repeating: "p", count: 64 * 1024)
        func body(_ id: String) -> String { #"{"cid":"\#(id)","pad":"\#(padding)"}"# }

        var acknowledged: [String] = []
        for number in 0..<3 {
            #expect(try await httpRequest(bridge.client, url, body: body("BEFORE-\(number)")).status == 202)
            acknowledged.append("BEFORE-\(number)")
        }

        // The journal may not grow any more: the next events fill what room is left, then the disk is full.
        _ = try await bridge.bridge.journal.setMaxPageCount(1)
        var refused: HTTPClientResponse?
        var refusedIDs: Set<String> = ["REFUSED-2"]
        for number in 0..<256 {
            let response = try await httpRequest(bridge.client, url, body: body("FILL-\(number)"))
            if response.status == 202 {
                acknowledged.append("FILL-\(number)")
                continue
            }
            refused = response
            refusedIDs.insert("FILL-\(number)")
            break
        }
        let full = try #require(refused, "256 events of 64 KiB were journalled on a journal that may not grow")
        #expect(full.status == 503)
        #expect(full.header("retry-after") == "5")
        #expect(String(decoding: full.body, as: UTF8.self).contains("disk full"))
        // Still full: refused again, and the listener keeps answering.
        #expect(try await httpRequest(bridge.client, url, body: body("REFUSED-2")).status == 503)

        #expect(bridge.bridge.journal.depth == acknowledged.count)

        // Space comes back: the same running bridge journals again; then PolyAI is back too.
        _ = try await bridge.bridge.journal.setMaxPageCount(1_073_741_823)
        #expect(try await httpRequest(bridge.client, url, body: body("AFTER-0")).status == 202)
        acknowledged.append("AFTER-0")
        sink.setDefault(.init(status: 201))

        #expect(await sink.waitForAccepted(acknowledged.count))
        #expect(Set(sink.accepted.compactMap(\.eventID)) == Set(acknowledged))
        // Nothing answered 503 was journalled, so nothing of it is posted.
        #expect(Set(sink.received.compactMap(\.eventID)).isDisjoint(with: refusedIDs))
        #expect(await waitUntil(seconds: 10) { bridge.bridge.journal.depth == 0 })
        await bridge.stop()
    }
}
