import Testing
import Mapping
@testable import SwitchboardCore

@Suite("The mapping integration")
struct MappingIntegrationTests {
    func event(_ body: String, headers: [Header] = [Header("Content-Type", "application/json")], query: [Header] = []) -> InboundEvent {
        InboundEvent(source: .webhook(path: "/hooks/x"), route: "r", headers: headers, query: query, body: Array(body.utf8), receivedAtMillis: 0)
    }

    @Test("id from a nested JSON path; the body passes through untouched with the id in the payload")
    func jsonPassthrough() throws {
        let mapping = MappingIntegration(idSource: .json, idPath: "data.metadata.cid", body: .passthrough)
        let body = #"{"data":{"metadata":{"cid":"EXT-9"}},"amount":3}"#
        let out = try mapping.map(event(body))
        #expect(out.count == 1)
        #expect(out[0].eventID == "EXT-9")
        #expect(out[0].idLocation == .payload("data.metadata.cid"))
        #expect(out[0].body == Array(body.utf8))
        #expect(out[0].contentType == "application/json")
    }

    @Test("id from a header, a form field or a query parameter")
    func otherSources() throws {
        let header = try MappingIntegration(idSource: .header, idPath: "X-Cid", body: .passthrough).map(event("{}", headers: [Header("x-cid", "H-1"), Header("Content-Type", "application/json")]))
        #expect(header[0].eventID == "H-1")
        #expect(header[0].idLocation == .header("X-Cid"))

        let form = try MappingIntegration(idSource: .form, idPath: "cid", body: .passthrough).map(event("status=paid&cid=F%2D1", headers: [Header("Content-Type", "application/x-www-form-urlencoded")]))
        #expect(form[0].eventID == "F-1")
        #expect(form[0].idLocation == .payload("cid"))
        #expect(form[0].contentType == "application/x-www-form-urlencoded")

        let query = try MappingIntegration(idSource: .query, idPath: "cid", body: .passthrough).map(event("hello", headers: [Header("Content-Type", "text/plain")], query: [Header("cid", "Q-1")]))
        #expect(query[0].eventID == "Q-1")
        #expect(query[0].idLocation == .query("cid"))
    }

    @Test("selected fields build a new JSON body; PII outside them is dropped")
    func selectedFields() throws {
        let mapping = MappingIntegration(idSource: .json, idPath: "cid", body: .fields(["cid", "booking.status", "amount"]))
        let out = try mapping.map(event(#"{"cid":"S-1","amount":12,"booking":{"status":"confirmed","card":"4242"},"email":"a@b.c"}"#))
        let text = String(decoding: out[0].body, as: UTF8.self)
        #expect(text == #"{"amount":12,"booking":{"status":"confirmed"},"cid":"S-1"}"#)
        #expect(out[0].idLocation == .payload("cid"))

        let withoutID = try MappingIntegration(idSource: .json, idPath: "cid", body: .fields(["amount"])).map(event(#"{"cid":"S-2","amount":1}"#))
        #expect(withoutID[0].idLocation == .header(MappingIntegration.idHeader))
        #expect(String(decoding: withoutID[0].body, as: UTF8.self) == #"{"amount":1}"#)
    }

    @Test("a missing id is no_event_id; a broken or too deep body is bad_payload")
    func failures() {
        let mapping = MappingIntegration(idSource: .json, idPath: "cid", body: .passthrough)
        #expect(throws: MappingFailure.noEventID("json cid")) { try mapping.map(event(#"{"other":1}"#)) }
        #expect(throws: MappingFailure.noEventID("json cid")) { try mapping.map(event(#"{"cid":""}"#)) }
        #expect(performing: { try mapping.map(event("{nope")) }, throws: { ($0 as? MappingFailure)?.reason == "bad_payload" })
        let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        #expect(performing: { try mapping.map(event(deep)) }, throws: { ($0 as? MappingFailure)?.reason == "bad_payload" })
    }

    @Test("options are read strictly, with positions")
    func optionsFromYAML() throws {
        let yaml = """
        polyai: { endpoint: http://127.0.0.1:9300, account_id: ws-1 }
        integrations:
          a:
            plugin: mapping
            project_id: PROJECT-1
            key: { env: K, agents: [PROJECT-1], permissions: [external_events] }
            options:
              event_id: { from: header, path: X-Cid, extra: 1 }
              body: { fields: [a] }
        routes:
          - from: { webhook: /a }
            to: a
        """
        let loaded = ConfigLoader.load(yaml: yaml, file: "m.yaml", environment: ["K": "x"])
        let config = try #require(loaded.config, "\(loaded.issues)")
        var registry = IntegrationRegistry()
        MappingIntegration.register(in: &registry)
        let diagnostics = ConfigDiagnostics()
        _ = registry.build(config, diagnostics: diagnostics)
        let issue = try #require(diagnostics.issues.first)
        #expect(issue.path == "integrations.a.options.event_id.extra")
        #expect(issue.position?.line == 8)
    }
}
