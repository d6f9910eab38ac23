import Foundation
import Testing
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardBridge

/// A test integration whose provider names each delivery in an `X-Delivery-Id` header.
struct DeliveryIDIntegration: Integration {
    func map(_ event: InboundEvent) throws(MappingFailure) -> [ExternalEvent] {
        guard let id = event.headers.first(named: "x-cid") else { throw .noEventID("header X-Cid") }
        return [ExternalEvent(eventID: id, idLocation: .header("X-Cid"), body: event.body, contentType: "text/plain")]
    }

    func deliveryID(for event: InboundEvent) -> String? {
        event.headers.first(named: "x-delivery-id")
    }
}

@Suite("Provider re-sends")
struct WebhookDedupTests {
    @Test("a re-send with a delivery id already delivered is acknowledged and not posted again")
    func resendIsNotPostedTwice() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let bridge = try TestBridge(
            yaml: TestBridge.yaml(endpoint: base, journal: temporaryDirectory()), directory: temporaryDirectory(),
            extra: ["bookings": DeliveryIDIntegration()]
        )
        let url = await bridge.webhookURL + "/hooks/bookings"
        let headers = [("Content-Type", "text/plain"), ("X-Cid", "CONV-1"), ("X-Delivery-Id", "evt_123")]
        #expect(try await httpRequest(bridge.client, url, body: "paid", headers: headers).status == 202)
        #expect(await sink.waitForAccepted(1))
        #expect(await waitUntil(seconds: 10) { bridge.bridge.journal.depth == 0 })

        let again = try await httpRequest(bridge.client, url, body: "paid", headers: headers)
        #expect(again.status == 200)
        #expect(String(decoding: again.body, as: UTF8.self).contains("duplicate"))
        let other = [("Content-Type", "text/plain"), ("X-Cid", "CONV-1"), ("X-Delivery-Id", "evt_124")]
        #expect(try await httpRequest(bridge.client, url, body: "refunded", headers: other).status == 202)
        #expect(await sink.waitForAccepted(2))
        try await Task.sleep(for: .milliseconds(200))
        #expect(sink.received.map(\.bodyText) == ["paid", "refunded"])
        await bridge.stop()
    }
}
