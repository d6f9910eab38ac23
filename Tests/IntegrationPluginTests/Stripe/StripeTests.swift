import Foundation
import Testing
import Mapping
import Stripe
import SwitchboardCore

@Suite("The stripe integration")
struct StripeTests {
    static let secret = "whsec_test_secret"
    static let body = #"{"id":"evt_1","type":"payment_intent.succeeded","data":{"object":{"metadata":{"cid":"EXT-42"}}}}"#
    /// HMAC-SHA256 of "1800000000." + body under the secret, computed with `openssl dgst -sha256 -hmac`.
    static let opensslSignature = "a6c71e87a78cf0a56ca7d518663a1c6fc89b428b9f2b076354f8ae77be4c9513"

    let clock = ManualClock(startMillis: testNowMillis)

    func stripe(_ secrets: [String] = [secret], tolerance: Duration = .seconds(300), eventID: EventIDSelector = StripeIntegration.defaultEventID,
                body: BodySelector = .passthrough, events: EventTypeFilter = EventTypeFilter()) throws -> StripeIntegration {
        StripeIntegration(secrets: try #require(SigningSecrets(secrets)), window: TimestampWindow(tolerance: tolerance, clock: clock),
                          eventID: eventID, body: body, events: events)
    }

    /// A request signed the way Stripe documents: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`.
    func signed(_ body: String = body, secret: String = secret, at seconds: Int64 = 1_800_000_000, extra: String = "") -> InboundEvent {
        let signature = hexHMAC(.sha256, key: secret, "\(seconds).\(body)")
        return inbound(body, headers: [Header("Content-Type", "application/json"), Header("Stripe-Signature", "t=\(seconds),v1=\(signature)\(extra)")])
    }

    @Test("a request signed as Stripe documents (openssl vector) is accepted and maps to the metadata cid")
    func acceptAndMap() throws {
        let integration = try stripe()
        let event = inbound(Self.body, headers: [
            Header("Content-Type", "application/json"),
            Header("stripe-signature", "t=1800000000,v1=\(Self.opensslSignature),v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39"),
        ])
        #expect(integration.verify(event) == .accepted)
        let out = try integration.map(event)
        #expect(out.count == 1)
        #expect(out[0].eventID == "EXT-42")
        #expect(out[0].idLocation == .payload("data.object.metadata.cid"))
        #expect(out[0].body == Array(Self.body.utf8))
        #expect(out[0].contentType == "application/json")
        #expect(out[0].deliveryID == "evt_1")
        #expect(integration.deliveryID(for: event) == "evt_1")
    }

    @Test("tampered body, wrong secret, missing header, no v1 and a malformed t are rejected with a logged reason")
    func rejections() throws {
        let integration = try stripe()
        var tampered = signed()
        tampered.body = Array(Self.body.replacingOccurrences(of: "EXT-42", with: "EXT-43").utf8)
        #expect(integration.verify(tampered).reason?.contains("matches none") == true)
        #expect(integration.verify(signed(secret: "whsec_other")).reason?.contains("matches none") == true)
        #expect(integration.verify(inbound(Self.body)).reason == "missing Stripe-Signature header")
        let noV1 = inbound(Self.body, headers: [Header("Stripe-Signature", "t=1800000000,v0=abcd")])
        #expect(integration.verify(noV1).reason?.contains("no v1") == true)
        let badT = inbound(Self.body, headers: [Header("Stripe-Signature", "t=soon,v1=\(Self.opensslSignature)")])
        #expect(integration.verify(badT).reason?.contains("timestamp") == true)
        for reason in [tampered, signed(secret: "whsec_other")].compactMap({ integration.verify($0).reason }) {
            #expect(!reason.contains(Self.secret))
        }
    }

    @Test("a correctly signed but replayed request is refused once the 5-minute tolerance has passed")
    func staleTimestamp() throws {
        let integration = try stripe()
        let event = signed()
        clock.advance(by: .seconds(300))
        #expect(integration.verify(event) == .accepted)
        clock.advance(by: .seconds(1))
        #expect(integration.verify(event).reason?.contains("old") == true)
        #expect(try stripe(tolerance: .seconds(600)).verify(event) == .accepted)
        #expect(integration.verify(signed(at: 1_800_000_000 + 900)).reason?.contains("future") == true)
    }

    @Test("during rotation either configured secret is accepted, and any of Stripe's several v1 signatures may match")
    func rotation() throws {
        let integration = try stripe(["whsec_old", "whsec_new"])
        #expect(integration.verify(signed(secret: "whsec_new")) == .accepted)
        #expect(integration.verify(signed(secret: "whsec_old")) == .accepted)
        #expect(integration.verify(signed(secret: "whsec_gone")) != .accepted)
        let rolledByStripe = signed(secret: "whsec_gone", extra: ",v1=" + hexHMAC(.sha256, key: "whsec_new", "1800000000.\(Self.body)"))
        #expect(integration.verify(rolledByStripe) == .accepted)
    }

    @Test("the id can come from another place; selected fields without the id send it in a header")
    func idAndBodyOptions() throws {
        let fields = try stripe(body: .fields(["type", "data.object.metadata.cid"]))
        let kept = try fields.map(signed())
        #expect(text(kept[0].body) == #"{"data":{"object":{"metadata":{"cid":"EXT-42"}}},"type":"payment_intent.succeeded"}"#)
        #expect(kept[0].idLocation == .payload("data.object.metadata.cid"))

        let withoutID = try stripe(body: .fields(["type"])).map(signed())
        #expect(text(withoutID[0].body) == #"{"type":"payment_intent.succeeded"}"#)
        #expect(withoutID[0].idLocation == .header(MappingIntegration.idHeader))
        #expect(withoutID[0].eventID == "EXT-42")

        let fromQuery = try stripe(eventID: EventIDSelector(source: .query, path: "cid"))
        var event = signed()
        event.query = [Header("cid", "Q-1")]
        let out = try fromQuery.map(event)
        #expect(out[0].eventID == "Q-1")
        #expect(out[0].idLocation == .query("cid"))
    }

    @Test("events of unlisted types map to nothing; a missing id or a non-event body is dead-lettered with a reason")
    func filteringAndFailures() throws {
        let filtered = try stripe(events: EventTypeFilter(types: ["checkout.session.completed"]))
        #expect(try filtered.map(signed()).isEmpty)
        let integration = try stripe()
        #expect(throws: MappingFailure.noEventID("json data.object.metadata.cid")) {
            try integration.map(inbound(#"{"id":"evt_2","type":"x","data":{"object":{}}}"#))
        }
        #expect(performing: { try integration.map(inbound("[1,2]")) }, throws: { ($0 as? MappingFailure)?.reason == "bad_payload" })
        let huge = [UInt8](repeating: 32, count: PluginKit.maxBodyBytes + 1)
        #expect(performing: { try integration.map(inbound(huge)) }, throws: { ($0 as? MappingFailure)?.reason == "bad_payload" })
        #expect(integration.deliveryID(for: inbound("nope")) == nil)
    }

    @Test("options from YAML: secrets through ${VAR}, a list during rotation, tolerance and filters")
    func optionsFromYAML() throws {
        let built = build(plugin: "stripe", options: """
        signing_secret: ["${OLD}", "${NEW}"]
        tolerance: 10m
        events: [payment_intent.succeeded]
        event_id: { from: json, path: data.object.metadata.cid }
        body: { fields: [type, data.object.metadata.cid] }
        """, environment: ["OLD": "whsec_old", "NEW": Self.secret], clock: clock)
        #expect(built.issues.isEmpty, "\(built.issues)")
        let integration = try #require(built.integration)
        clock.advance(by: .seconds(400))
        #expect(integration.verify(signed()) == .accepted)
        #expect(try integration.map(signed())[0].idLocation == .payload("data.object.metadata.cid"))
        for shown in [String(describing: integration), String(reflecting: integration)] {
            #expect(!shown.contains(Self.secret) && !shown.contains("whsec_old"))
        }
    }

    @Test("option mistakes are errors with the path and line; an inline secret is a warning that never echoes it")
    func optionErrors() throws {
        let missing = build(plugin: "stripe", options: "signing_secert: \"${S}\"", environment: ["S": Self.secret])
        #expect(missing.integration == nil)
        #expect(missing.errors.contains { $0.path == "integrations.a.options.signing_secret" && $0.message.contains("missing required key") })
        #expect(missing.errors.contains { $0.message == "unknown key 'signing_secert' (did you mean 'signing_secret'?)" && $0.position?.line == firstOptionLine })

        let typo = build(plugin: "stripe", options: """
        signing_secret: "${S}"
        signing_secrt: x
        event_id: { from: xml, path: a.b }
        tolerance: 2 days
        body: everything
        """, environment: ["S": Self.secret])
        #expect(typo.integration == nil)
        let byPath = Dictionary(typo.errors.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byPath["integrations.a.options.signing_secrt"]?.message == "unknown key 'signing_secrt'")
        #expect(byPath["integrations.a.options.signing_secrt"]?.position?.line == firstOptionLine + 1)
        #expect(byPath["integrations.a.options.event_id.from"]?.message == "expected one of: json, header, query")
        #expect(byPath["integrations.a.options.event_id.from"]?.position?.line == firstOptionLine + 2)
        #expect(byPath["integrations.a.options.tolerance"]?.position?.line == firstOptionLine + 3)
        #expect(byPath["integrations.a.options.body"]?.position?.line == firstOptionLine + 4)

        let inline = build(plugin: "stripe", options: "signing_secret: whsec_inline_value")
        #expect(inline.integration != nil)
        let warning = try #require(inline.warnings.first { $0.path == "integrations.a.options.signing_secret" })
        #expect(!warning.description.contains("whsec_inline_value"))

        let empty = build(plugin: "stripe", options: "signing_secret: \"${EMPTY}\"", environment: ["EMPTY": ""])
        #expect(empty.errors.contains { $0.message.contains("empty") })
    }
}
