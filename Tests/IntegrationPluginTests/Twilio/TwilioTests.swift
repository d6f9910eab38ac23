import Foundation
import Testing
import Mapping
import SwitchboardCore
import Twilio

@Suite("The twilio integration")
struct TwilioTests {
    static let token = "twilio-auth-token"
    static let url = "https://hooks.example.com/hooks/twilio?cid=EXT-5"
    static let sms = "ToCountry=US&SmsSid=SM123&SmsStatus=received&Body=Yes+please%2C+REF-ABC12&MessageSid=SM123&From=%2B15005550006&To=%2B15005550001&NumMedia=0"

    func twilio(_ tokens: [String] = [token], eventID: EventIDSelector = TwilioIntegration.defaultEventID,
                body: BodySelector = .passthrough, publicURL: String? = nil) throws -> TwilioIntegration {
        TwilioIntegration(secrets: try #require(SigningSecrets(tokens)), eventID: eventID, body: body, publicURL: PublicURL(configured: publicURL))
    }

    /// Signed as Twilio documents: the URL, then every POST parameter name and value sorted by name, HMAC-SHA1, base64.
    func signed(_ body: String = sms, url: String = url, signedURL: String? = nil, token: String = token) -> InboundEvent {
        let sorted = FormBody.parse(Array(body.utf8)).sorted { $0.name < $1.name }
        let signature = base64HMAC(.sha1, key: token, (signedURL ?? url) + sorted.map { $0.name + $0.value }.joined())
        return inbound(body, headers: [Header("Content-Type", "application/x-www-form-urlencoded"), Header("X-Twilio-Signature", signature)], url: url)
    }

    @Test("Twilio's own published example signature is accepted")
    func publishedVector() throws {
        let body = "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212"
        let event = inbound(body, headers: [Header("X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8=")], url: "https://mycompany.com/myapp.php?foo=1&bar=2")
        #expect(try twilio(["12345"]).verify(event) == .accepted)
        #expect(try twilio(["54321"]).verify(event) != .accepted)
    }

    @Test("an inbound SMS is accepted, mapped by the cid of the webhook URL, and answered with empty TwiML")
    func acceptMapAndReply() throws {
        let integration = try twilio()
        let event = signed()
        #expect(integration.verify(event) == .accepted)
        let out = try integration.map(event)
        #expect(out.count == 1)
        #expect(out[0].eventID == "EXT-5")
        #expect(out[0].idLocation == .query("cid"))
        #expect(out[0].body == Array(Self.sms.utf8))
        #expect(out[0].contentType == "application/x-www-form-urlencoded")
        let reply = try #require(integration.acknowledgement(for: event))
        #expect(reply.status == 200)
        #expect(reply.contentType == "text/xml")
        #expect(text(reply.body) == #"<?xml version="1.0" encoding="UTF-8"?><Response></Response>"#)
        let twiml = try XMLBody.parse(reply.body)
        #expect(twiml.name == "Response" && twiml.children.isEmpty)
    }

    @Test("a changed parameter, a wrong token, a missing header or a non-base64 header is rejected")
    func rejections() throws {
        let integration = try twilio()
        var tampered = signed()
        tampered.body = Array(Self.sms.replacingOccurrences(of: "REF-ABC12", with: "REF-XYZ99").utf8)
        #expect(integration.verify(tampered).reason?.contains("matches none") == true)
        #expect(integration.verify(signed(token: "wrong")).reason?.contains("matches none") == true)
        #expect(integration.verify(inbound(Self.sms, url: Self.url)).reason == "missing X-Twilio-Signature header")
        let garbage = inbound(Self.sms, headers: [Header("X-Twilio-Signature", "***")], url: Self.url)
        #expect(integration.verify(garbage).reason?.contains("base64") == true)
        let otherCID = signed(url: "https://hooks.example.com/hooks/twilio?cid=EXT-6", signedURL: Self.url)
        #expect(integration.verify(otherCID) != .accepted)
    }

    @Test("the second auth token is accepted during rotation")
    func rotation() throws {
        let integration = try twilio(["old-token", Self.token])
        #expect(integration.verify(signed()) == .accepted)
        #expect(integration.verify(signed(token: "old-token")) == .accepted)
    }

    @Test("the URL is also tried with the default port added or removed, and behind a proxy with public_url")
    func urlVariants() throws {
        let integration = try twilio()
        #expect(integration.verify(signed(url: "https://hooks.example.com:443/hooks/twilio?cid=EXT-5", signedURL: Self.url)) == .accepted)
        #expect(integration.verify(signed(url: Self.url, signedURL: "https://hooks.example.com:443/hooks/twilio?cid=EXT-5")) == .accepted)
        let proxied = signed(url: "http://127.0.0.1:8080/hooks/twilio?cid=EXT-5", signedURL: Self.url)
        #expect(integration.verify(proxied) != .accepted)
        #expect(try twilio(publicURL: "https://hooks.example.com/hooks/twilio").verify(proxied) == .accepted)
    }

    @Test("the id can come from a form field or be cut out of the message text; the id then travels in a header")
    func idSources() throws {
        let fromField = try twilio(eventID: EventIDSelector(source: .form, path: "MessageSid")).map(signed())
        #expect(fromField[0].eventID == "SM123")
        #expect(fromField[0].idLocation == .payload("MessageSid"))

        let pattern = try IDPattern("REF-([A-Z0-9]+)")
        let fromText = try twilio(eventID: EventIDSelector(source: .form, path: "Body", pattern: pattern)).map(signed())
        #expect(fromText[0].eventID == "ABC12")
        #expect(fromText[0].idLocation == .header(MappingIntegration.idHeader))

        let noMatch = try twilio(eventID: EventIDSelector(source: .form, path: "Body", pattern: try IDPattern("CID-(\\d+)")))
        #expect(throws: MappingFailure.noEventID("form Body matching /CID-(\\d+)/")) { try noMatch.map(signed()) }
        #expect(throws: MappingFailure.noEventID("query cid")) {
            try twilio().map(signed(url: "https://hooks.example.com/hooks/twilio"))
        }
    }

    @Test("selected fields post a form with only those fields")
    func fields() throws {
        let integration = try twilio(body: .fields(["From", "Body"]))
        let out = try integration.map(signed())
        #expect(text(out[0].body) == "Body=Yes%20please%2C%20REF-ABC12&From=%2B15005550006")
    }

    @Test("the delivery id is a fingerprint of what Twilio signed: a re-send repeats it, a moved name/value boundary keeps it, another callback changes it")
    func deliveryIDFromSignedContent() throws {
        let integration = try twilio()
        let first = try #require(integration.deliveryID(for: signed()))
        #expect(first.hasPrefix("twilio:") && first.count == "twilio:".count + 64)
        #expect(try integration.map(signed())[0].deliveryID == first)
        #expect(integration.deliveryID(for: signed()) == first)
        // "To=+1" + "Body=hi" signs as "Body" "hi" "To" "+1"; moving the boundary ("Bod" = "yhi") signs the same text.
        let moved = signed("Bodyhi=&To=%2B1")
        let original = signed("Body=hi&To=%2B1")
        #expect(integration.verify(moved) == .accepted)
        #expect(integration.deliveryID(for: moved) == integration.deliveryID(for: original))
        #expect(integration.deliveryID(for: signed("MessageSid=SM9&MessageStatus=delivered")) != integration.deliveryID(for: signed("MessageSid=SM9&MessageStatus=sent")))
        #expect(integration.deliveryID(for: signed(url: "https://hooks.example.com/hooks/twilio?cid=EXT-6")) != first)
    }

    /// A JSON webhook as Twilio signs it: `bodySHA256` in the URL, only the URL signed.
    func signedJSON(_ body: String, contentType: String = "application/json", hashOf hashed: String? = nil) -> InboundEvent {
        let hash = SignatureText.hexText(HMACDigest.sha256(Array((hashed ?? body).utf8)))
        let url = "https://hooks.example.com/hooks/twilio?cid=EXT-5&bodySHA256=\(hash)"
        let signature = base64HMAC(.sha1, key: Self.token, url)
        return inbound(body, headers: [Header("Content-Type", contentType), Header("X-Twilio-Signature", signature)], url: url)
    }

    @Test("a signed URL with bodySHA256 is checked against the body whatever the Content-Type says")
    func bodyHashFollowsTheSignedURL() throws {
        let integration = try twilio()
        let body = #"{"MessageSid":"SM1","cid":"EXT-5"}"#
        #expect(integration.verify(signedJSON(body)) == .accepted)
        #expect(integration.verify(signedJSON(body, contentType: "application/x-www-form-urlencoded")) == .accepted)
        #expect(integration.verify(signedJSON(body, contentType: "text/plain")) == .accepted)
        let swapped = signedJSON(#"{"MessageSid":"SM1","cid":"EXT-6"}"#, contentType: "application/x-www-form-urlencoded", hashOf: body)
        #expect(integration.verify(swapped).reason?.contains("bodySHA256") == true)
        let swappedJSON = signedJSON(#"{"cid":"EXT-6"}"#, hashOf: body)
        #expect(integration.verify(swappedJSON).reason?.contains("bodySHA256") == true)
        // Without bodySHA256 in the signed URL the body is read as the signed form, whatever the Content-Type.
        let formAsJSON = signed("Body=hi&To=%2B1")
        var relabelled = formAsJSON
        relabelled.headers[0] = Header("Content-Type", "application/json")
        #expect(integration.verify(relabelled) == .accepted)
    }

    @Test("options from YAML; a timestamp tolerance is not a Twilio option and is reported as unknown")
    func options() throws {
        let built = build(plugin: "twilio", options: """
        signing_secret: "${TWILIO_AUTH_TOKEN}"
        event_id: { from: form, path: Body, pattern: 'REF-([A-Z0-9]+)' }
        body: { fields: [From, Body] }
        """, environment: ["TWILIO_AUTH_TOKEN": Self.token])
        #expect(built.issues.isEmpty, "\(built.issues)")
        let integration = try #require(built.integration)
        #expect(integration.verify(signed()) == .accepted)
        #expect(try integration.map(signed())[0].eventID == "ABC12")

        let wrong = build(plugin: "twilio", options: """
        signing_secret: "${TWILIO_AUTH_TOKEN}"
        tolerance: 5m
        event_id: { from: form, path: Body, pattern: 'REF-(' }
        """, environment: ["TWILIO_AUTH_TOKEN": Self.token])
        #expect(wrong.integration == nil)
        #expect(wrong.errors.contains { $0.path == "integrations.a.options.tolerance" && $0.message.hasPrefix("unknown key") })
        #expect(wrong.errors.contains { $0.path == "integrations.a.options.event_id.pattern" && $0.message.contains("regular expression") && $0.position?.line == firstOptionLine + 2 })
    }
}
