import Foundation
import Testing
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardBridge

/// Every provider's webhook as its own HTTP client sends it: the real `curl` binary against the running listener,
/// with curl's own `Host` (which HTTP/1 carries as the request's authority, not as a header field).
@Suite("Genuine provider requests through the running listener")
struct GenuineRequestTests {
    static let hubspotSecret = "hubspot-client-secret-0001"
    static let twilioToken = "twilio-auth-token-0002"
    static let stripeSecret = "whsec_stripe_0003"
    static let zendeskSecret = "zendesk-signing-secret-0004"
    static let crmSecret = "crm-shared-secret-0005"

    static func yaml(endpoint: String, journal: String, webhook: String = "{}") -> String {
        let key = "key: { env: TEST_KEY_BOOKINGS, agents: [PROJECT-TEST], permissions: [external_events], expires: 2099-01-01 }"
        func integration(_ name: String, _ plugin: String, _ options: String) -> String {
            """
              \(name):
                plugin: \(plugin)
                project_id: PROJECT-TEST
                \(key.replacingOccurrences(of: "TEST_KEY_BOOKINGS", with: "TEST_KEY_\(name.uppercased())"))
                options: \(options)
                retry: { max_attempts: 5, base: 50ms, cap: 200ms, deadline: 55m }
            """
        }
        return """
        polyai:
          endpoint: \(endpoint)
          account_id: ws-test
        listen: 127.0.0.1:0
        admin: 127.0.0.1:0
        journal: \(journal)
        webhook: \(webhook)
        integrations:
        \(integration("hubspot", "hubspot", #"{ signing_secret: "${HUBSPOT_SECRET}" }"#))
        \(integration("twilio", "twilio", #"{ signing_secret: "${TWILIO_TOKEN}" }"#))
        \(integration("stripe", "stripe", #"{ signing_secret: "${STRIPE_SECRET}" }"#))
        \(integration("zendesk", "zendesk", #"{ signing_secret: "${ZENDESK_SECRET}" }"#))
        \(integration("salesforce", "salesforce", "{ organization_ids: [00D5g000004ABCD] }"))
        \(integration("crm", "mapping", #"{ event_id: { from: json, path: cid }, verify: { hmac: { header: X-Crm-Signature, secret: "${CRM_SECRET}", prefix: "sha256=", timestamp: { header: X-Crm-Timestamp, format: unix }, signed: "{method} {url} {timestamp}.{body}" } } }"#))
        routes:
          - { from: { webhook: /hooks/hubspot }, to: hubspot }
          - { from: { webhook: /hooks/twilio }, to: twilio }
          - { from: { webhook: /hooks/stripe }, to: stripe }
          - { from: { webhook: /hooks/zendesk }, to: zendesk }
          - { from: { webhook: /hooks/salesforce }, to: salesforce }
          - { from: { webhook: /hooks/crm }, to: crm }
        """
    }

    static let environment = [
        "HUBSPOT_SECRET": hubspotSecret, "TWILIO_TOKEN": twilioToken, "STRIPE_SECRET": stripeSecret, "ZENDESK_SECRET": zendeskSecret,
        "TEST_KEY_HUBSPOT": "sk-test-hubspot-0000000001", "TEST_KEY_TWILIO": "sk-test-twilio-0000000002",
        "TEST_KEY_STRIPE": "sk-test-stripe-0000000003", "TEST_KEY_ZENDESK": "sk-test-zendesk-0000000004",
        "TEST_KEY_SALESFORCE": "sk-test-salesforce-000005", "TEST_KEY_CRM": "sk-test-crm-000000000006", "CRM_SECRET": crmSecret,
    ]

    static func start(_ sink: ScriptedSink, webhook: String = "{}") async throws -> TestBridge {
        let base = try await sink.start()
        return try TestBridge(
            yaml: yaml(endpoint: base, journal: temporaryDirectory(), webhook: webhook), directory: temporaryDirectory(), environment: environment
        )
    }

    static func base64(_ digest: HMACDigest, key: String, _ message: [UInt8]) -> String {
        Data(digest.code(key: Array(key.utf8), message: message)).base64EncodedString()
    }

    static var nowMillis: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    @Test("HubSpot v3 signed over the URL curl called (its own Host) is accepted and delivered; tampered, 401")
    func hubspot() async throws {
        let sink = ScriptedSink()
        defer { sink.stop() }
        let bridge = try await Self.start(sink)
        let url = await bridge.webhookURL + "/hooks/hubspot?portal=62515"
        let body = #"[{"eventId":100,"subscriptionType":"contact.propertyChange","propertyName":"polyai_cid","propertyValue":"EXT-HS-1"}]"#
        let timestamp = String(Self.nowMillis)
        let signature = Self.base64(.sha256, key: Self.hubspotSecret, Array(("POST" + url + body + timestamp).utf8))
        let headers = [("Content-Type", "application/json"), ("X-HubSpot-Signature-v3", signature), ("X-HubSpot-Request-Timestamp", timestamp)]

        #expect(try await curl(url, body: body, headers: headers).status == 202)
        #expect(await sink.waitForAccepted(1))
        #expect(sink.accepted.first?.bodyText.contains("EXT-HS-1") == true)
        #expect(try await curl(url, body: body.replacingOccurrences(of: "EXT-HS-1", with: "EXT-HS-2"), headers: headers).status == 401)
        await bridge.stop()
    }

    @Test("Twilio signed over the URL curl called and the sorted form is accepted with empty TwiML; tampered, 401")
    func twilio() async throws {
        let sink = ScriptedSink()
        defer { sink.stop() }
        let bridge = try await Self.start(sink)
        let url = await bridge.webhookURL + "/hooks/twilio?cid=EXT-TW-1"
        let body = "MessageSid=SM100&From=%2B15005550006&Body=Yes+please&MessageStatus=received"
        let sorted = FormBody.parse(Array(body.utf8)).sorted { $0.name < $1.name }.map { $0.name + $0.value }.joined()
        let signature = Self.base64(.sha1, key: Self.twilioToken, Array((url + sorted).utf8))
        let headers = [("Content-Type", "application/x-www-form-urlencoded"), ("X-Twilio-Signature", signature)]

        let reply = try await curl(url, body: body, headers: headers)
        #expect(reply.status == 200)
        #expect(reply.body.contains("<Response></Response>"))
        #expect(await sink.waitForAccepted(1))
        #expect(sink.accepted.first?.eventID == "EXT-TW-1")
        #expect(try await curl(url, body: body.replacingOccurrences(of: "please", with: "never"), headers: headers).status == 401)
        await bridge.stop()
    }

    @Test("Stripe and Zendesk signed as documented are accepted through curl; tampered, 401")
    func stripeAndZendesk() async throws {
        let sink = ScriptedSink()
        defer { sink.stop() }
        let bridge = try await Self.start(sink)
        let base = await bridge.webhookURL

        let stripeBody = #"{"id":"evt_1","type":"payment_intent.succeeded","data":{"object":{"metadata":{"cid":"EXT-ST-1"}}}}"#
        let t = String(Self.nowMillis / 1000)
        let mac = HMACDigest.sha256.code(key: Array(Self.stripeSecret.utf8), message: Array("\(t).\(stripeBody)".utf8))
        let stripeHeaders = [("Content-Type", "application/json"), ("Stripe-Signature", "t=\(t),v1=" + SignatureText.hexText(mac))]
        #expect(try await curl(base + "/hooks/stripe", body: stripeBody, headers: stripeHeaders).status == 202)
        #expect(try await curl(base + "/hooks/stripe", body: stripeBody + " ", headers: stripeHeaders).status == 401)

        let zendeskBody = #"{"type":"zen:event-type:ticket.created","detail":{"external_id":"EXT-ZD-1"}}"#
        let stamp = ISO8601DateFormatter().string(from: Date())
        let zendeskHeaders = [
            ("Content-Type", "application/json"),
            ("X-Zendesk-Webhook-Signature", Self.base64(.sha256, key: Self.zendeskSecret, Array((stamp + zendeskBody).utf8))),
            ("X-Zendesk-Webhook-Signature-Timestamp", stamp),
        ]
        #expect(try await curl(base + "/hooks/zendesk", body: zendeskBody, headers: zendeskHeaders).status == 202)
        #expect(try await curl(base + "/hooks/zendesk", body: zendeskBody.replacingOccurrences(of: "ZD-1", with: "ZD-2"), headers: zendeskHeaders).status == 401)

        #expect(await sink.waitForAccepted(2))
        #expect(Set(sink.accepted.compactMap(\.eventID)) == ["EXT-ST-1", "EXT-ZD-1"])
        await bridge.stop()
    }

    @Test("X-Forwarded-Host and -Proto are ignored unless trust_forwarded_headers is on")
    func forwardedHeaders() async throws {
        for trusted in [false, true] {
            let sink = ScriptedSink()
            defer { sink.stop() }
            let bridge = try await Self.start(sink, webhook: "{ trust_forwarded_headers: \(trusted) }")
            let direct = await bridge.webhookURL + "/hooks/twilio?cid=EXT-FW"
            let forwarded = "https://hooks.example.com/hooks/twilio?cid=EXT-FW"
            let body = "MessageSid=SM7&Body=hi"
            let sorted = "BodyhiMessageSidSM7"
            func headers(signing url: String) -> [(String, String)] {
                [
                    ("Content-Type", "application/x-www-form-urlencoded"),
                    ("X-Twilio-Signature", Self.base64(.sha1, key: Self.twilioToken, Array((url + sorted).utf8))),
                    ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "hooks.example.com"),
                ]
            }
            let signedDirect = try await curl(direct, body: body, headers: headers(signing: direct)).status
            let signedForwarded = try await curl(direct, body: body, headers: headers(signing: forwarded)).status
            #expect(signedDirect == (trusted ? 401 : 200), "trusted: \(trusted)")
            #expect(signedForwarded == (trusted ? 200 : 401), "trusted: \(trusted)")
            await bridge.stop()
        }
    }

    @Test("while a maximal hostile XML body (140k attributes on one element) is refused, an ordinary webhook is answered at once")
    func hostileXMLDoesNotStall() async throws {
        let sink = ScriptedSink()
        defer { sink.stop() }
        let bridge = try await Self.start(sink)
        let base = await bridge.webhookURL
        var hostile = "<a"
        var index = 0
        while hostile.utf8.count < (1 << 20) - 16 {
            hostile += " a\(index)=\"\""
            index += 1
        }
        hostile += "/>"
        let body = hostile
        async let refused = curl(base + "/hooks/salesforce", body: body, headers: [("Content-Type", "text/xml")])
        let started = ContinuousClock.now
        let stamp = ISO8601DateFormatter().string(from: Date())
        let zendeskBody = #"{"type":"zen:event-type:ticket.created","detail":{"external_id":"EXT-ZD-ORD"}}"#
        let ordinary = try await curl(base + "/hooks/zendesk", body: zendeskBody, headers: [
            ("Content-Type", "application/json"),
            ("X-Zendesk-Webhook-Signature", Self.base64(.sha256, key: Self.zendeskSecret, Array((stamp + zendeskBody).utf8))),
            ("X-Zendesk-Webhook-Signature-Timestamp", stamp),
        ])
        let waited = ContinuousClock.now - started
        #expect(ordinary.status == 202)
        // A stall would be the tens of seconds the parse of such a body once cost; 5 s allows a loaded machine.
        #expect(waited < .seconds(5), "the ordinary webhook waited \(waited)")
        #expect(try await refused.status == 401)
        #expect(bridge.bridge.journal.depth <= 1)
        await bridge.stop()
    }

    @Test("a Salesforce Outbound Message through curl is acknowledged with SOAP and delivered; another organization, 401")
    func salesforce() async throws {
        let sink = ScriptedSink()
        defer { sink.stop() }
        let bridge = try await Self.start(sink)
        let url = await bridge.webhookURL + "/hooks/salesforce"
        func message(org: String) -> String {
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
             <soapenv:Body>
              <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
               <OrganizationId>\(org)</OrganizationId>
               <ActionId>04k5g000000ABCDAAA</ActionId>
               <Notification>
                <Id>04l5g00000ABCD1AAA</Id>
                <sObject xsi:type="sf:Case" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
                 <sf:Id>5005g00000XYZ1AAA</sf:Id>
                 <sf:PolyAI_CID__c>EXT-SF-1</sf:PolyAI_CID__c>
                </sObject>
               </Notification>
              </notifications>
             </soapenv:Body>
            </soapenv:Envelope>
            """
        }
        let headers = [("Content-Type", "text/xml; charset=utf-8"), ("SOAPAction", "\"\"")]
        let reply = try await curl(url, body: message(org: "00D5g000004ABCDEA4"), headers: headers)
        #expect(reply.status == 200)
        #expect(reply.body.contains("<Ack>true</Ack>"))
        #expect(await sink.waitForAccepted(1))
        #expect(sink.accepted.first?.bodyText.contains("EXT-SF-1") == true)
        #expect(try await curl(url, body: message(org: "00D5g000004ZZZZ"), headers: headers).status == 401)
        await bridge.stop()
    }

    @Test("a CRM signing method, URL, timestamp and body with an HMAC (mapping verify) is accepted through curl; tampered or stale, 401")
    func mappingHMAC() async throws {
        let sink = ScriptedSink()
        defer { sink.stop() }
        let bridge = try await Self.start(sink)
        let url = await bridge.webhookURL + "/hooks/crm?source=crm"
        let body = #"{"cid":"EXT-CRM-1","status":"won"}"#
        func headers(timestamp: Int64, body: String) -> [(String, String)] {
            let mac = HMACDigest.sha256.code(key: Array(Self.crmSecret.utf8), message: Array("POST \(url) \(timestamp).\(body)".utf8))
            return [("Content-Type", "application/json"), ("X-Crm-Timestamp", String(timestamp)), ("X-Crm-Signature", "sha256=" + SignatureText.hexText(mac))]
        }
        let now = Self.nowMillis / 1000
        #expect(try await curl(url, body: body, headers: headers(timestamp: now, body: body)).status == 202)
        #expect(await sink.waitForAccepted(1))
        #expect(sink.accepted.first?.eventID == "EXT-CRM-1")
        #expect(try await curl(url, body: body.replacingOccurrences(of: "won", with: "lost"), headers: headers(timestamp: now, body: body)).status == 401)
        #expect(try await curl(url, body: body, headers: headers(timestamp: now - 3600, body: body)).status == 401)
        await bridge.stop()
    }
}
