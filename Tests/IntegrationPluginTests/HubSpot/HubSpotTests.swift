import Testing
import HubSpot
import Mapping
import SwitchboardCore

@Suite("The hubspot integration")
struct HubSpotTests {
    static let secret = "hs-client-secret"
    static let url = "https://hooks.example.com/hooks/hubspot"
    static let body = #"[{"eventId":100,"subscriptionType":"contact.propertyChange","propertyName":"polyai_cid","propertyValue":"EXT-7","objectId":1}]"#
    /// base64 HMAC-SHA256 of "POST" + url + body + "1800000000000", computed with `openssl dgst -sha256 -hmac`.
    static let opensslSignature = "8B9jPYJtSADz96FwpqxwQzecgV4v7sQ0W8SveX1uyZM="

    let clock = ManualClock(startMillis: testNowMillis)

    func hubspot(_ secrets: [String] = [secret], publicURL: String? = nil, propertyName: String? = nil,
                 events: EventTypeFilter = EventTypeFilter(), body: BodySelector = .passthrough) throws -> HubSpotIntegration {
        HubSpotIntegration(secrets: try #require(SigningSecrets(secrets)), window: TimestampWindow(clock: clock), body: body,
                           events: events, propertyName: propertyName, publicURL: PublicURL(configured: publicURL))
    }

    /// Signed as HubSpot documents v3: base64 HMAC-SHA256 of method + URI + body + timestamp (ms).
    func signed(_ body: String = body, url: String = url, signedURL: String? = nil, secret: String = secret, at millis: Int64 = testNowMillis) -> InboundEvent {
        let signature = base64HMAC(.sha256, key: secret, "POST" + (signedURL ?? url) + body + "\(millis)")
        return inbound(body, headers: [
            Header("Content-Type", "application/json"),
            Header("X-HubSpot-Signature-v3", signature),
            Header("X-HubSpot-Request-Timestamp", "\(millis)"),
        ], url: url)
    }

    @Test("a v3-signed request (openssl vector) is accepted and each event of the batch becomes one External Event")
    func acceptAndMap() throws {
        let integration = try hubspot()
        let event = inbound(Self.body, headers: [
            Header("x-hubspot-signature-v3", Self.opensslSignature),
            Header("x-hubspot-request-timestamp", "1800000000000"),
        ], url: Self.url)
        #expect(integration.verify(event) == .accepted)
        let out = try integration.map(event)
        #expect(out.count == 1)
        #expect(out[0].eventID == "EXT-7")
        #expect(out[0].idLocation == .payload("propertyValue"))
        #expect(out[0].contentType == "application/json")
        #expect(out[0].deliveryID == "100")
        let posted = try JSONBody.parse(out[0].body)
        #expect(JSONBody.string(at: "propertyValue", in: posted) == "EXT-7")
        #expect(JSONBody.string(at: "objectId", in: posted) == "1")
    }

    @Test("a batch of three maps to three events in order; the delivery id joins the batch's eventIds")
    func batch() throws {
        let body = #"[{"eventId":1,"propertyValue":"A"},{"eventId":2,"propertyValue":"B"},{"eventId":3,"propertyValue":"C"}]"#
        let integration = try hubspot()
        let event = signed(body)
        #expect(integration.verify(event) == .accepted)
        let out = try integration.map(event)
        #expect(out.map(\.eventID) == ["A", "B", "C"])
        #expect(out.map(\.deliveryID) == ["1", "2", "3"])
        #expect(integration.deliveryID(for: event) == "1,2,3")
        let missing = #"[{"eventId":1,"propertyValue":"A"},{"eventId":2}]"#
        #expect(performing: { try integration.map(signed(missing)) }, throws: { error in
            let failure = error as? MappingFailure
            return failure?.reason == "no_event_id" && failure?.message.contains("HubSpot event 1") == true
        })
    }

    @Test("behind a proxy the signature only matches with public_url; the query string is kept")
    func publicURL() throws {
        let proxied = signed(url: "http://127.0.0.1:8080/hooks/hubspot?portal=1", signedURL: Self.url + "?portal=1")
        #expect(try hubspot().verify(proxied).reason?.contains("public_url") == true)
        #expect(try hubspot(publicURL: Self.url).verify(proxied) == .accepted)
        var noHost = signed()
        noHost.requestURL = nil
        #expect(try hubspot().verify(noHost).reason?.contains("URL is unknown") == true)
    }

    @Test("HubSpot's listed percent-escapes are decoded in the signed URI")
    func decodedURI() throws {
        let event = signed(url: Self.url + "?email=a%40b.c&t=x%3Ay&s=%20", signedURL: Self.url + "?email=a@b.c&t=x:y&s=%20")
        #expect(try hubspot().verify(event) == .accepted)
    }

    @Test("stale or future timestamps, missing headers, a wrong secret and a tampered body are rejected")
    func rejections() throws {
        let integration = try hubspot()
        let event = signed()
        clock.advance(by: .seconds(301))
        #expect(integration.verify(event).reason?.contains("old") == true)
        #expect(integration.verify(signed(at: clock.nowMillis() + 301_000)).reason?.contains("future") == true)
        var noTimestamp = signed(at: clock.nowMillis())
        noTimestamp.headers.removeAll { $0.name == "X-HubSpot-Request-Timestamp" }
        #expect(integration.verify(noTimestamp).reason == "missing X-HubSpot-Request-Timestamp header")
        var noSignature = signed(at: clock.nowMillis())
        noSignature.headers.removeAll { $0.name == "X-HubSpot-Signature-v3" }
        #expect(integration.verify(noSignature).reason == "missing X-HubSpot-Signature-v3 header")
        #expect(integration.verify(signed(secret: "other", at: clock.nowMillis())).reason?.contains("matches none") == true)
        var tampered = signed(at: clock.nowMillis())
        tampered.body[tampered.body.count - 3] = UInt8(ascii: "2")
        #expect(integration.verify(tampered) != .accepted)
    }

    @Test("either secret is accepted during rotation")
    func rotation() throws {
        let integration = try hubspot(["old", Self.secret])
        #expect(integration.verify(signed()) == .accepted)
        #expect(integration.verify(signed(secret: "old")) == .accepted)
        #expect(integration.verify(signed(secret: "new")) != .accepted)
    }

    @Test("filters keep only the listed subscription types and property; a workflow's single object is one event")
    func filters() throws {
        let body = #"[{"eventId":1,"subscriptionType":"contact.propertyChange","propertyName":"email","propertyValue":"a@b.c"},"# +
            #"{"eventId":2,"subscriptionType":"contact.propertyChange","propertyName":"polyai_cid","propertyValue":"EXT-2"},"# +
            #"{"eventId":3,"subscriptionType":"contact.creation","objectId":9}]"#
        let byProperty = try hubspot(propertyName: "polyai_cid").map(signed(body))
        #expect(byProperty.map(\.eventID) == ["EXT-2"])
        let creations = HubSpotIntegration(secrets: try #require(SigningSecrets([Self.secret])), eventID: EventIDSelector(source: .json, path: "objectId"),
                                           events: EventTypeFilter(types: ["contact.creation"]))
        #expect(try creations.map(signed(body)).map(\.eventID) == ["9"])
        let unfiltered = try hubspot()
        #expect("without filters, the creation event (no propertyValue) dead-letters the batch",
                performing: { try unfiltered.map(signed(body)) }, throws: { ($0 as? MappingFailure)?.message.contains("HubSpot event 2") == true })

        let workflow = try hubspot().map(signed(#"{"eventId":5,"propertyValue":"EXT-5"}"#))
        #expect(workflow.map(\.eventID) == ["EXT-5"])
        let fields = try hubspot(body: .fields(["objectId"])).map(signed())
        #expect(text(fields[0].body) == #"{"objectId":1}"#)
        #expect(fields[0].idLocation == .header(MappingIntegration.idHeader))
    }

    @Test("options from YAML build a working integration; mistakes are reported at their lines")
    func options() throws {
        let built = build(plugin: "hubspot", options: """
        signing_secret: "${HUBSPOT_SECRET}"
        public_url: https://hooks.example.com/hooks/hubspot
        property_name: polyai_cid
        events: [contact.propertyChange]
        """, environment: ["HUBSPOT_SECRET": Self.secret], clock: clock)
        #expect(built.issues.isEmpty, "\(built.issues)")
        let integration = try #require(built.integration)
        #expect(integration.verify(signed(url: "http://10.0.0.1/hooks/hubspot", signedURL: Self.url)) == .accepted)

        let wrong = build(plugin: "hubspot", options: """
        signing_secret: "${HUBSPOT_SECRET}"
        public_url: hooks.example.com/hubspot
        property_name: ""
        event_id: { from: form, path: x }
        """, environment: ["HUBSPOT_SECRET": Self.secret])
        #expect(wrong.integration == nil)
        #expect(wrong.errors.contains { $0.path == "integrations.a.options.public_url" && $0.position?.line == firstOptionLine + 1 })
        #expect(wrong.errors.contains { $0.path == "integrations.a.options.property_name" && $0.position?.line == firstOptionLine + 2 })
        #expect(wrong.errors.contains { $0.path == "integrations.a.options.event_id.from" && $0.position?.line == firstOptionLine + 3 })
    }
}
