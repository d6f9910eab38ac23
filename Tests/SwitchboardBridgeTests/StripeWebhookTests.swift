import Foundation
import Testing
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardBridge

@Suite("A provider plugin behind the webhook listener (Stripe)")
struct StripeWebhookTests {
    static let secret = "whsec_test_5f1e2d3c4b5a"

    static func yaml(endpoint: String) -> String {
        """
        polyai: { endpoint: \(endpoint), account_id: ws-test }
        listen: 127.0.0.1:0
        admin: 127.0.0.1:0
        journal: { path: \(temporaryDirectory()) }
        integrations:
          payments:
            plugin: stripe
            project_id: PROJECT-TEST
            key: { env: TEST_KEY_BOOKINGS, agents: [PROJECT-TEST], permissions: [external_events] }
            options: { signing_secret: "\(secret)" }
        routes:
          - from: { webhook: /hooks/stripe }
            to: payments
        """
    }

    /// A `Stripe-Signature` header as Stripe builds it: HMAC-SHA256 of "t.body" with the endpoint secret.
    static func signature(_ body: String, timestamp: Int) -> String {
        let mac = HMACDigest.sha256.code(key: Array(secret.utf8), message: Array("\(timestamp).\(body)".utf8))
        return "t=\(timestamp),v1=\(SignatureText.hexText(mac))"
    }

    @Test("signed events are delivered; a bad signature is 401 and never journalled; a re-send is not posted twice")
    func signedUnsignedResent() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let bridge = try TestBridge(yaml: Self.yaml(endpoint: base), directory: temporaryDirectory())
        let url = await bridge.webhookURL + "/hooks/stripe"
        let body = #"{"id":"evt_1","type":"payment_intent.succeeded","data":{"object":{"amount":4200,"metadata":{"cid":"CONV-PAY"}}}}"#
        let now = Int(Date().timeIntervalSince1970)

        let forged = try await httpRequest(bridge.client, url, body: body, headers: [("Content-Type", "application/json"), ("Stripe-Signature", "t=\(now),v1=00ff")])
        #expect(forged.status == 401)
        #expect(!String(decoding: forged.body, as: UTF8.self).contains("signature"))
        #expect(bridge.bridge.journal.depth == 0)

        let signed = [("Content-Type", "application/json"), ("Stripe-Signature", Self.signature(body, timestamp: now))]
        #expect(try await httpRequest(bridge.client, url, body: body, headers: signed).status == 202)
        #expect(await sink.waitForAccepted(1))
        let delivered = try #require(sink.accepted.first)
        #expect(delivered.eventID == "CONV-PAY")
        #expect(delivered.queryValue("event_id_path") == "data.object.metadata.cid")
        #expect(await waitUntil(seconds: 10) { bridge.bridge.journal.depth == 0 })

        // Stripe re-sends when it saw no answer in time: same event id, fresh signature.
        let resent = try await httpRequest(bridge.client, url, body: body, headers: [("Content-Type", "application/json"), ("Stripe-Signature", Self.signature(body, timestamp: now + 30))])
        #expect((200..<300).contains(resent.status))
        try await Task.sleep(for: .milliseconds(200))
        #expect(sink.received.count == 1)
        await bridge.stop()
    }
}
