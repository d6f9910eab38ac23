import Foundation
import SwitchboardCore

/// The seed corpora of `Fuzz/Corpus/<target>/`: samples shaped like each provider's documentation, in each target's
/// input format. `swift run SwitchboardFuzz seeds Fuzz/Corpus` writes them; the files are committed.
public enum FuzzSeeds {
    /// One seed file.
    public struct Seed: Sendable {
        /// The target (corpus directory).
        public var target: String
        /// The file name.
        public var name: String
        /// The input.
        public var bytes: [UInt8]
    }

    /// Every seed; `examplesDirectory` is the package's `examples/`, whose YAML files seed the config target.
    public static func all(examplesDirectory: String) -> [Seed] {
        var seeds: [Seed] = []
        func add(_ target: String, _ name: String, _ bytes: [UInt8]) { seeds.append(Seed(target: target, name: name, bytes: bytes)) }
        func add(_ target: String, _ name: String, _ text: String) { add(target, name, Array(text.utf8)) }

        let examples = (try? FileManager.default.contentsOfDirectory(atPath: examplesDirectory)) ?? []
        for file in examples.sorted() where file.hasSuffix(".yaml") {
            if let data = FileManager.default.contents(atPath: examplesDirectory + "/" + file) { add("config", "example-" + file, [UInt8](data)) }
        }
        add("config", "plugins.yaml", PluginTargets.configuration)
        add("config", "aliases.yaml", "a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nintegrations: *c\n")
        add("config", "tab-and-duplicate.yaml", "polyai:\n\tregion: us-1\npolyai: {}\nroutes: [ { from: { webhook: /x }, to: y } ]\n")
        add("config", "interpolation.yaml", "polyai: { region: \"${REGION}\", account_id: \"$${literal}\" }\nlisten: \"${EMPTY}:8080\"\n")

        add("xml", "salesforce.xml", Samples.salesforce(org: "00D5g000004ABCDEA4"))
        add("xml", "booking.xml", Samples.bookingXML)
        add("xml", "entities.xml", #"<?xml version="1.0"?><a x="&quot;1&quot;">&lt;b&gt; &amp; &#65;&#x42; <![CDATA[<c>]]><!-- note --><?pi data?></a>"#)
        add("xml", "doctype.xml", #"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>"#)
        add("xml", "namespaces.xml", #"<p:a xmlns:p="urn:p" xmlns="urn:d"><p:b p:c="1">t</p:b><b/><b xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/></p:a>"#)

        add("json", "stripe.json", [0] + Array("data.object.metadata.cid\n\(Samples.stripeEvent)".utf8))
        add("json", "hubspot.json", [0] + Array("0.propertyValue\n\(Samples.hubSpotBatch)".utf8))
        add("json", "pattern.json", [1] + Array("note\n{\"note\":\"ref AB-12 ok\",\"n\":12.5e3,\"t\":true,\"u\":\"\\u00e9\\ud83d\\ude00\"}".utf8))
        add("json", "numbers.json", [2] + Array("1\n[0, -1, 18446744073709551616, 1e308, \"12\"]".utf8))

        add("form", "twilio-sms.txt", Samples.twilioSMS)
        add("form", "escapes.txt", "a=%41%zz%4&b+c=d+e&=x&flag&%26=%3D&%E2%82%AC=%FF")

        add("retry-after", "seconds.txt", [0] + Array("120".utf8))
        add("retry-after", "imf-fixdate.txt", [0] + Array("Sun, 06 Nov 1994 08:49:37 GMT".utf8))
        add("retry-after", "future.txt", [0] + Array("Wed, 21 Oct 2026 07:28:00 GMT".utf8))
        add("retry-after", "rfc850.txt", [1] + Array("Sunday, 06-Nov-94 08:49:37 GMT".utf8))
        add("retry-after", "asctime.txt", [2] + Array("Sun Nov  6 08:49:37 1994".utf8))

        add("timestamps", "stripe-t.txt", "1492774577")
        add("timestamps", "hubspot-ms.txt", "1564113600000")
        add("timestamps", "zendesk.txt", "2021-07-21T21:28:48Z")
        add("timestamps", "offset.txt", "2021-07-21T21:28:48.123+02:00")
        add("timestamps", "leap.txt", "2024-02-29t23:59:60.5-23:59")

        let webhook = InboundEvent(
            source: .webhook(path: "/hooks/stripe"), route: "r", headers: [Header("Content-Type", "application/json"), Header("X-Cid", "EXT-1")],
            query: [Header("cid", "EXT-1")], body: [], receivedAtMillis: 0, requestURL: "https://hooks.example.com/hooks/stripe?cid=EXT-1"
        )
        let kafka = InboundEvent(source: .kafka(topic: "orders.v1", partition: 3, offset: 42), route: "r", headers: [Header("k", "v")], body: [], receivedAtMillis: 0)
        add("codec", "webhook.bin", [0] + InboundEventCodec.encodeMetadata(webhook))
        add("codec", "kafka.bin", [0] + InboundEventCodec.encodeMetadata(kafka))
        add("codec", "describe-webhook.bin", [1, 0] + Array("/hooks/a\nhttps://h/hooks/a?x=1\nContent-Type: text/plain\nX: y\n\nx:1\n".utf8))
        add("codec", "describe-kafka.bin", [1, 1, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 1, 0] + Array("orders\n\nk:v\n".utf8))

        add("wasm-abi", "events.bin", [0] + Array(#"{"events":[{"event_id":"E1","content_type":"application/json","body":"{\"cid\":\"E1\"}","id_location":"payload","id_path":"cid","delivery_id":"d1","ordering_key":"k"}]}"#.utf8))
        add("wasm-abi", "base64.bin", [0] + Array(#"{"events":[{"event_id":"E2","content_type":"text/plain","body_base64":"aGk=","id_location":"headers","id_path":"X-Cid"}]}"#.utf8))
        add("wasm-abi", "error.bin", [0] + Array(#"{"error":{"reason":"no_event_id","message":"no string at ticket.conv"}}"#.utf8))
        add("wasm-abi", "empty.bin", [0] + Array(#"{"events":[]}"#.utf8))
        add("wasm-abi", "input-json.bin", [1] + Array(#"{"ticket":{"conv":"CONV-1","status":"open"},"type":"ticket.updated"}"#.utf8))
        add("wasm-abi", "input-binary.bin", [1, 0xFF, 0x00, 0xC3, 0x28, 0x0A, 0x22, 0x5C])

        for seed in pluginSeeds() { seeds.append(seed) }
        return seeds
    }

    /// Requests for the plugin targets, signed by the harness (flag bit 0) unless the name says otherwise.
    static func pluginSeeds() -> [Seed] {
        let json = Header("Content-Type", "application/json")
        let form = Header("Content-Type", "application/x-www-form-urlencoded")
        let xml = Header("Content-Type", "text/xml; charset=utf-8")
        func request(_ target: String, _ name: String, variant: UInt8, flags: UInt8 = 1, _ headers: [Header], query: String = "", _ body: String) -> Seed {
            Seed(target: target, name: name, bytes: FuzzRequest.bytes(flags: variant << 3 | flags, headers: headers, query: query, body: Array(body.utf8)))
        }
        return [
            request("mapping", "json-hmac.txt", variant: 0, [json], #"{"cid":"EXT-1","status":"paid","data":{"amount":1200}}"#),
            request("mapping", "json-unsigned.txt", variant: 0, flags: 0, [json, Header("X-Signature", "sha256=00")], #"{"cid":"EXT-1"}"#),
            request("mapping", "form-token.txt", variant: 1, [form], "From=%2B15017122661&Body=Your+booking+REF-AB12CD+is+confirmed"),
            request("mapping", "xml-basic.txt", variant: 2, [xml], Samples.bookingXML),
            request("mapping", "header-hmac.txt", variant: 3, [form, Header("X-Cid", "EXT-1")], query: "a=1", "cid=EXT-1&status=done"),
            request("mapping", "query.txt", variant: 4, flags: 0, [json], query: "cid=EXT-1", #"{"status":"paid","data":{"amount":5}}"#),
            request("stripe", "payment-intent.txt", variant: 0, [json], Samples.stripeEvent),
            request("stripe", "header-id.txt", variant: 1, [json, Header("X-Cid", "EXT-2")], Samples.stripeEvent),
            request("stripe", "unsigned.txt", variant: 0, flags: 0, [json, Header("Stripe-Signature", "t=1492774577,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd,v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39")], Samples.stripeEvent),
            request("hubspot", "batch.txt", variant: 0, [json], query: "portal=62515", Samples.hubSpotBatch),
            request("hubspot", "filtered.txt", variant: 1, [json], Samples.hubSpotBatch),
            request("twilio", "sms.txt", variant: 0, [form], query: "cid=EXT-1", Samples.twilioSMS),
            request("twilio", "status-callback.txt", variant: 0, [form], query: "cid=EXT-1", Samples.twilioStatus),
            request("twilio", "reply-pattern.txt", variant: 1, [form], Samples.twilioSMS),
            request("twilio", "json-bodysha256.txt", variant: 0, flags: 5, [json], query: "cid=EXT-1", #"{"MessageSid":"SM1","MessageStatus":"sent"}"#),
            request("salesforce", "outbound-message.txt", variant: 0, flags: 0, [xml, Header("SOAPAction", "\"\"")], Samples.salesforce(org: "00D5g000004ABCDEA4")),
            request("salesforce", "query-id.txt", variant: 1, flags: 0, [xml], query: "cid=EXT-1", Samples.salesforce(org: "00D5g000004ABCD")),
            request("zendesk", "user-event.txt", variant: 0, [json], Samples.zendeskEvent),
            request("zendesk", "filtered.txt", variant: 1, [json], Samples.zendeskEvent),
        ]
    }
}
