import Foundation
import Spawn
import Testing
import SwitchboardCore
import WasmABI
@testable import WasmPlugin

@Suite("Wasm plugin ABI: the input JSON, the config JSON, the output rules")
struct WasmABITests {
    @Test("a webhook's input is compact JSON in the documented field order, header names lower-cased")
    func webhookInput() {
        let event = InboundEvent(
            source: .webhook(path: "/hooks/acme"), route: "/hooks/acme",
            headers: [Header("Content-Type", "application/json"), Header("X-Note", "a \"quoted\"\nline")],
            query: [Header("cid", "a b")], body: Array(#"{"k":"é"}"#.utf8), receivedAtMillis: 0,
            requestURL: "http://127.0.0.1:8080/hooks/acme?cid=a%20b", method: "POST"
        )
        let json = String(decoding: WasmEventInput.encode(event, publicURL: PublicURL()), as: UTF8.self)
        #expect(json == #"{"route":"/hooks/acme","source":"webhook","method":"POST","url":"http://127.0.0.1:8080/hooks/acme?cid=a%20b","headers":[["content-type","application/json"],["x-note","a \"quoted\"\nline"]],"query":[["cid","a b"]],"body":"{\"k\":\"é\"}","body_base64":"eyJrIjoiw6kifQ=="}"#)
        let signed = String(decoding: WasmEventInput.encode(event, publicURL: PublicURL(configured: "https://hooks.example.com/hooks/acme")), as: UTF8.self)
        #expect(signed.contains(#""url":"https://hooks.example.com/hooks/acme?cid=a%20b""#))
    }

    @Test("after a restart sb_map sees what it saw live: the journalled event gives the same input, PUT included")
    func inputSurvivesJournal() throws {
        let event = InboundEvent(
            source: .webhook(path: "/hooks/acme"), route: "webhook:/hooks/acme",
            headers: [Header("Content-Type", "application/json"), Header("X-Acme-Delivery", "d-1")], query: [Header("cid", "C 1")],
            body: Array(#"{"cid":"C 1"}"#.utf8), receivedAtMillis: 5, requestURL: "http://127.0.0.1/hooks/acme?cid=C%201", method: "PUT"
        )
        let stored = try #require(InboundEventCodec.decode(
            route: event.route, metadata: InboundEventCodec.encodeMetadata(event), body: event.body, receivedAtMillis: event.receivedAtMillis
        ))
        #expect(WasmEventInput.encode(stored, publicURL: PublicURL()) == WasmEventInput.encode(event, publicURL: PublicURL()))
        #expect(stored.method == "PUT")
    }

    @Test("a Kafka message's input has its topic, partition, offset and key; a body that is not UTF-8 only as base64")
    func kafkaInput() throws {
        let event = InboundEvent(
            source: .kafka(topic: "crm.events", partition: 3, offset: 42), route: "crm.events",
            headers: [Header("trace", "t1")], body: [0xFF, 0x00, 0x41], messageKey: Array("conv-1".utf8), receivedAtMillis: 0
        )
        let json = String(decoding: WasmEventInput.encode(event, publicURL: PublicURL()), as: UTF8.self)
        #expect(json == #"{"route":"crm.events","source":"kafka","method":"POST","kafka":{"topic":"crm.events","partition":3,"offset":42,"key":"conv-1"},"headers":[["trace","t1"]],"query":[],"body_base64":"/wBB"}"#)
        var binaryKey = event
        binaryKey.messageKey = [0xC3, 0x28]
        let keyed = String(decoding: WasmEventInput.encode(binaryKey, publicURL: PublicURL()), as: UTF8.self)
        #expect(keyed.contains(#""key_base64":"wyg=""#))
        // Every input parses as JSON.
        #expect(try JSONSerialization.jsonObject(with: Data(keyed.utf8)) is [String: Any])
    }

    @Test("control characters in headers are escaped so the input stays valid JSON")
    func escaping() throws {
        let controls = String(decoding: (0..<32).map { UInt8($0) } + Array("\\\"".utf8), as: UTF8.self)
        let event = InboundEvent(source: .webhook(path: "/h"), route: "/h", headers: [Header("x", controls)], body: Array(controls.utf8), receivedAtMillis: 0)
        let json = WasmEventInput.encode(event, publicURL: PublicURL())
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        #expect(((document["headers"] as? [[String]])?.first?.last) == controls)
        #expect(document["body"] as? String == controls)
    }

    @Test("the config block reaches sb_init as JSON of the YAML: maps, lists, strings, numbers, booleans, null")
    func configJSON() throws {
        let loaded = try #require(ConfigLoader.parse(
            yaml: """
            secret: "${S}"
            field: ticket.conv
            limits: [1, -2.5, 1e3, "7", true, null, 2027-03-01, 0x1F]
            nested: { on: false, "quoted key": 'x' }
            """,
            file: "test.yaml", environment: ["S": "abc\"def"], diagnostics: ConfigDiagnostics()
        ))
        let json = String(decoding: WasmConfigJSON.encode(loaded), as: UTF8.self)
        #expect(json == #"{"secret":"abc\"def","field":"ticket.conv","limits":[1,-2.5,1e3,"7",true,null,"2027-03-01","0x1F"],"nested":{"on":false,"quoted key":"x"}}"#)
    }

    @Test("sb_map's output is read strictly", arguments: [
        (#"{"events":[]}"#, "events:0"),
        (#"{"events":[{"event_id":"E1","content_type":"application/json","body":"{}"}]}"#, "events:1"),
        (#"{"events":[{"event_id":"E1","content_type":"text/plain","body_base64":"aGk=","id_location":"headers","id_path":"X-Cid","delivery_id":"d","ordering_key":"k"}]}"#, "events:1"),
        (#"{"error":{"reason":"no_event_id","message":"none"}}"#, "refused:no_event_id"),
        (#"{"error":{"reason":"bad_payload"}}"#, "refused:bad_payload"),
        (#"{"error":{"reason":"expired"}}"#, "unusable"),
        (#"not json"#, "unusable"),
        (#"[]"#, "unusable"),
        (#"{"events":{}}"#, "unusable"),
        (#"{"events":[],"extra":1}"#, "unusable"),
        (#"{"events":[{"event_id":"E1","content_type":"a/b"}]}"#, "unusable"),
        (#"{"events":[{"event_id":"","content_type":"a/b","body":""}]}"#, "unusable"),
        (#"{"events":[{"event_id":"E1","content_type":"a/b\r\nX-Evil: 1","body":""}]}"#, "unusable"),
        (#"{"events":[{"event_id":"E1","content_type":"a/b","body":"","id_path":"a b"}]}"#, "unusable"),
        (#"{"events":[{"event_id":"E1","content_type":"a/b","body":"","id_location":"cookie"}]}"#, "unusable"),
        (#"{"events":[{"event_id":"E1","content_type":"a/b","body":"","body_base64":""}]}"#, "unusable"),
        (#"{"events":[{"event_id":"E1","content_type":"a/b","body":"","colour":"red"}]}"#, "unusable"),
        (#"{"events":[{"event_id":7,"content_type":"a/b","body":""}]}"#, "unusable"),
        (#"{"events":[{"event_id":"E1","content_type":"a/b","body_base64":""# + String(repeating: "QUJD", count: 2_000) + #""}]}"#, "events:1"),
        (#"{"error":{"reason":"bad_payload","colour":"red"}}"#, "unusable"),
        (#"{"error":{"reason":"bad_payload","message":7}}"#, "unusable"),
    ])
    func output(_ text: String, _ expected: String) {
        let result: String
        switch WasmMapOutput.read(Array(text.utf8)) {
        case .events(let events): result = "events:\(events.count)"
        case .refused(let failure): result = "refused:\(failure.reason)"
        case .unusable: result = "unusable"
        }
        #expect(result == expected)
    }

    @Test("the output's fields become the External Event: id place, body, delivery id, ordering key")
    func outputFields() throws {
        let text = #"{"events":[{"event_id":"E1","content_type":"text/plain","body_base64":"aGk=","id_location":"headers","id_path":"X-Cid","delivery_id":"d-1","ordering_key":"conv-9"}]}"#
        guard case .events(let events) = WasmMapOutput.read(Array(text.utf8)), let event = events.first else {
            Issue.record("not read")
            return
        }
        #expect(event.eventID == "E1")
        #expect(event.idLocation == .header("X-Cid"))
        #expect(event.body == Array("hi".utf8))
        #expect(event.contentType == "text/plain")
        #expect(event.deliveryID == "d-1")
        #expect(event.orderingKey == "conv-9")
        guard case .events(let defaults) = WasmMapOutput.read(Array(#"{"events":[{"event_id":"E2","content_type":"a/b","body":"x"}]}"#.utf8)) else {
            Issue.record("not read")
            return
        }
        #expect(defaults.first?.idLocation == .query("cid"))
    }

    @Test("growing memory a page at a time is paid for in fuel: a module cannot buy seconds of copying cheaply")
    func growthCostsFuel() throws {
        let bomb = try WasmIntegration.make(
            name: "membomb", options: WasmPluginOptions(modulePath: try WasmFixtures.path("membomb"), fuel: 5_000_000, memoryBytes: 1 << 30)
        ).get()
        let event = InboundEvent(source: .webhook(path: "/h"), route: "/h", body: Array("{}".utf8), receivedAtMillis: 0)
        #expect(throws: MappingFailure(reason: "plugin_error", message: WasmPluginFailure.fuel.description)) { try bomb.map(event) }
    }

    @Test("the values ${...} put into config are known as secrets, and masked in what the module logs")
    func secretsMasked() throws {
        let diagnostics = ConfigDiagnostics()
        let node = try #require(ConfigLoader.parse(
            yaml: "module: /x.wasm\nconfig: { secret: \"${S}\", pin: \"${P}\", field: ticket.conv, nested: [\"${S}x\"] }",
            file: "test.yaml", environment: ["S": "s3cr3t-value", "P": "12"], diagnostics: diagnostics
        ))
        let options = try #require(WasmPluginOptions.read(node.reader(diagnostics), context: IntegrationContext(name: "acme", projectID: "P")))
        #expect(options.secrets == ["s3cr3t-valuex", "s3cr3t-value"])
        #expect(WasmHost.masked("config {\"secret\":\"s3cr3t-value\"}", secrets: options.secrets) == "config {\"secret\":\"****\"}")
        #expect(!options.description.contains("s3cr3t"))
    }

    @Test("now_ms reads the integration's clock (the test clock under switchboard test)")
    func clockImport() throws {
        struct FixedClock: DeliveryClock {
            func nowMillis() -> Int64 { 1_764_590_400_123 }
            func sleep(for duration: Duration) async throws {}
        }
        let integration = try WasmIntegration.make(
            name: "clock", options: WasmPluginOptions(modulePath: try WasmFixtures.path("clock")), clock: FixedClock()
        ).get()
        let event = InboundEvent(source: .webhook(path: "/h"), route: "/h", body: [], receivedAtMillis: 0)
        #expect(try integration.map(event).map(\.eventID) == ["1764590400123"])
    }

    @Test("a Kafka message maps through a module with its key in the input")
    func kafkaThroughModule() throws {
        let integration = try WasmIntegration.make(name: "echo", options: WasmPluginOptions(modulePath: try WasmFixtures.path("echo"))).get()
        let event = InboundEvent(source: .kafka(topic: "t", partition: 0, offset: 9), route: "t", body: Array(#"{"cid":"K-1"}"#.utf8), messageKey: Array("k".utf8), receivedAtMillis: 0)
        let events = try integration.map(event)
        #expect(events.map(\.eventID) == ["K-1"])
        #expect(events.first?.idLocation == .payload("cid"))
    }

    @Test("fuel bounds a call: the same module with a budget too small fails with fuel, the next call works again")
    func fuelBudget() throws {
        let starved = try WasmIntegration.make(name: "echo", options: WasmPluginOptions(modulePath: try WasmFixtures.path("echo"), fuel: 2_000_000)).get()
        let event = InboundEvent(source: .webhook(path: "/h"), route: "/h", body: Array(#"{"cid":"F-1"}"#.utf8), receivedAtMillis: 0)
        #expect(try starved.map(event).count == 1)
        let looping = try WasmIntegration.make(name: "loop", options: WasmPluginOptions(modulePath: try WasmFixtures.path("loop"), fuel: 100_000)).get()
        #expect(throws: MappingFailure(reason: "plugin_error", message: WasmPluginFailure.fuel.description)) { try looping.map(event) }
        #expect(throws: MappingFailure(reason: "plugin_error", message: WasmPluginFailure.fuel.description)) { try looping.map(event) }
    }
}
