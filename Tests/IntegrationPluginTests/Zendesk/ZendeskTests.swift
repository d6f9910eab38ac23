import Foundation
import Testing
import Mapping
import SwitchboardCore
import Zendesk

@Suite("The zendesk integration")
struct ZendeskTests {
    static let secret = "zd-secret"
    static let timestamp = "2027-01-15T08:00:00Z"
    static let body = #"{"type":"zen:event-type:user.created","detail":{"external_id":"EXT-9"}}"#
    /// base64 HMAC-SHA256 of timestamp + body, computed with `openssl dgst -sha256 -hmac`.
    static let opensslSignature = "hy9nSdYJ1mn17sTWCs5OsvkOO1SGI7vgovOvZ4G55uI="

    let clock = ManualClock(startMillis: testNowMillis)

    func zendesk(_ secrets: [String] = [secret], eventID: EventIDSelector = ZendeskIntegration.defaultEventID,
                 body: BodySelector = .passthrough, events: EventTypeFilter = EventTypeFilter()) throws -> ZendeskIntegration {
        ZendeskIntegration(secrets: try #require(SigningSecrets(secrets)), window: TimestampWindow(clock: clock), eventID: eventID, body: body, events: events)
    }

    /// Signed as Zendesk documents: base64(HMAC-SHA256(timestamp + body)).
    func signed(_ body: String = body, secret: String = secret, timestamp: String = timestamp) -> InboundEvent {
        inbound(body, headers: [
            Header("Content-Type", "application/json"),
            Header("X-Zendesk-Webhook-Signature", base64HMAC(.sha256, key: secret, timestamp + body)),
            Header("X-Zendesk-Webhook-Signature-Timestamp", timestamp),
            Header("X-Zendesk-Webhook-Invocation-Id", "8350205582"),
        ])
    }

    @Test("a request signed as Zendesk documents (openssl vector) is accepted and mapped by detail.external_id")
    func acceptAndMap() throws {
        let integration = try zendesk()
        let event = inbound(Self.body, headers: [
            Header("x-zendesk-webhook-signature", Self.opensslSignature),
            Header("x-zendesk-webhook-signature-timestamp", Self.timestamp),
            Header("x-zendesk-webhook-invocation-id", "8350205582"),
        ])
        #expect(integration.verify(event) == .accepted)
        let out = try integration.map(event)
        #expect(out.count == 1)
        #expect(out[0].eventID == "EXT-9")
        #expect(out[0].idLocation == .payload("detail.external_id"))
        #expect(out[0].body == Array(Self.body.utf8))
        #expect(out[0].contentType == "application/json")
        let identity = try #require(integration.deliveryID(for: event))
        #expect(out[0].deliveryID == identity)
        #expect(identity.hasPrefix("zendesk:"))
    }

    @Test("the delivery id comes from the signed timestamp and body: another invocation id does not make a replay new")
    func deliveryIDFromSignedContent() throws {
        let integration = try zendesk()
        let original = signed()
        var replayed = original
        replayed.headers = replayed.headers.map { $0.name.lowercased() == "x-zendesk-webhook-invocation-id" ? Header($0.name, "999") : $0 }
        #expect(integration.verify(replayed) == .accepted)
        #expect(integration.deliveryID(for: replayed) == integration.deliveryID(for: original))
        #expect(integration.deliveryID(for: signed(#"{"type":"x","detail":{"external_id":"EXT-10"}}"#)) != integration.deliveryID(for: original))
    }

    @Test("stale timestamps, a wrong secret, a tampered body and missing headers are rejected")
    func rejections() throws {
        let integration = try zendesk()
        clock.advance(by: .seconds(299))
        #expect(integration.verify(signed()) == .accepted)
        clock.advance(by: .seconds(2))
        #expect(integration.verify(signed()).reason?.contains("old") == true)
        let fresh = "2027-01-15T08:05:01Z"
        #expect(integration.verify(signed(timestamp: fresh)) == .accepted)
        #expect(integration.verify(signed(secret: "other", timestamp: fresh)).reason?.contains("matches none") == true)
        var tampered = signed(timestamp: fresh)
        tampered.body = Array(Self.body.replacingOccurrences(of: "EXT-9", with: "EXT-8").utf8)
        #expect(integration.verify(tampered) != .accepted)
        var noTimestamp = signed(timestamp: fresh)
        noTimestamp.headers.removeAll { $0.name == "X-Zendesk-Webhook-Signature-Timestamp" }
        #expect(integration.verify(noTimestamp).reason == "missing X-Zendesk-Webhook-Signature-Timestamp header")
        #expect(integration.verify(inbound(Self.body)).reason == "missing X-Zendesk-Webhook-Signature header")
        #expect(integration.verify(signed(timestamp: "yesterday")).reason?.contains("ISO 8601") == true)
    }

    @Test("either signing secret is accepted during rotation")
    func rotation() throws {
        let integration = try zendesk(["zd-old", Self.secret])
        #expect(integration.verify(signed()) == .accepted)
        #expect(integration.verify(signed(secret: "zd-old")) == .accepted)
        #expect(integration.verify(signed(secret: "zd-gone")) != .accepted)
    }

    @Test("type filter, id from a header, selected fields")
    func options() throws {
        #expect(try zendesk(events: EventTypeFilter(types: ["zen:event-type:ticket.created"])).map(signed()).isEmpty)
        let byHeader = try zendesk(eventID: EventIDSelector(source: .header, path: "X-Cid"))
        var event = signed("plain text, not JSON")
        event.headers.append(Header("x-cid", "H-1"))
        let out = try byHeader.map(event)
        #expect(out[0].eventID == "H-1")
        #expect(out[0].idLocation == .header("X-Cid"))
        let fields = try zendesk(body: .fields(["type"])).map(signed())
        #expect(text(fields[0].body) == #"{"type":"zen:event-type:user.created"}"#)
        #expect(fields[0].idLocation == .header(MappingIntegration.idHeader))
    }

    @Test("options from YAML, and their mistakes at the right lines")
    func optionsFromYAML() throws {
        let built = build(plugin: "zendesk", options: """
        signing_secret: ["${ZD_OLD}", "${ZD_NEW}"]
        events: [zen:event-type:user.created]
        tolerance: 1m
        """, environment: ["ZD_OLD": "zd-old", "ZD_NEW": Self.secret], clock: clock)
        #expect(built.issues.isEmpty, "\(built.issues)")
        let integration = try #require(built.integration)
        #expect(integration.verify(signed()) == .accepted)
        clock.advance(by: .seconds(61))
        #expect(integration.verify(signed()) != .accepted)

        let wrong = build(plugin: "zendesk", options: """
        signing_secret: []
        events: []
        tolerance: 0s
        """)
        #expect(wrong.integration == nil)
        #expect(wrong.errors.compactMap { $0.position?.line }.sorted() == [firstOptionLine, firstOptionLine + 1, firstOptionLine + 2])
    }
}
