import Testing
import Mapping
import SwitchboardCore

@Suite("The mapping integration: form and XML bodies, templates")
struct MappingBodiesTests {
    func form(_ body: String) -> InboundEvent {
        inbound(body, headers: [Header("Content-Type", "application/x-www-form-urlencoded")])
    }

    func xml(_ body: String, contentType: String = "text/xml; charset=utf-8") -> InboundEvent {
        inbound(body, headers: [Header("Content-Type", contentType)])
    }

    func json(_ body: String) -> InboundEvent {
        inbound(body, headers: [Header("Content-Type", "application/json")])
    }

    func template(_ text: String, _ contentType: String = "application/json") throws -> MappingIntegration.BodyShape {
        .template(try BodyTemplate(parsing: text, contentType: contentType))
    }

    @Test("form bodies: the id from a field; selected fields post a smaller form that still carries the id")
    func formBodies() throws {
        let mapping = MappingIntegration(idSource: .form, idPath: "cid", body: .fields(["cid", "status"]))
        let out = try mapping.map(form("card=4242&status=paid&cid=F-1&email=a%40b.c"))
        #expect(out[0].eventID == "F-1")
        #expect(text(out[0].body) == "status=paid&cid=F-1")
        #expect(out[0].contentType == "application/x-www-form-urlencoded")
        #expect(out[0].idLocation == .payload("cid"))

        let headerID = MappingIntegration(idSource: .header, idPath: "X-Cid", body: .fields(["status"]))
        var event = form("status=paid&card=4242")
        event.headers.append(Header("X-Cid", "H-1"))
        let byHeader = try headerID.map(event)
        #expect(text(byHeader[0].body) == "status=paid")
        #expect(byHeader[0].idLocation == .header("X-Cid"))
    }

    @Test("XML bodies: the id from an element path (from the root or below it); text/xml is posted as application/xml")
    func xmlBodies() throws {
        let body = #"<?xml version="1.0"?><order><payment status="ok"><cid>X-1</cid><amount>12</amount></payment></order>"#
        let fromRoot = try MappingIntegration(idSource: .xml, idPath: "order.payment.cid", body: .passthrough).map(xml(body))
        #expect(fromRoot[0].eventID == "X-1")
        #expect(fromRoot[0].idLocation == .payload("order.payment.cid"))
        #expect(fromRoot[0].body == Array(body.utf8))
        #expect(fromRoot[0].contentType == "application/xml; charset=utf-8")
        let belowRoot = try MappingIntegration(idSource: .xml, idPath: "payment.cid", body: .passthrough).map(xml(body, contentType: "application/xml"))
        #expect(belowRoot[0].eventID == "X-1")

        let fields = try MappingIntegration(idSource: .xml, idPath: "payment.cid", body: .fields(["payment.cid", "payment.amount"])).map(xml(body))
        #expect(text(fields[0].body) == #"{"payment":{"amount":"12","cid":"X-1"}}"#)
        #expect(fields[0].contentType == "application/json")
        #expect(fields[0].idLocation == .payload("payment.cid"))

        #expect(throws: MappingFailure.noEventID("xml payment.missing")) {
            try MappingIntegration(idSource: .xml, idPath: "payment.missing", body: .passthrough).map(xml(body))
        }
        let entity = #"<!DOCTYPE o [<!ENTITY big "xxxxxxxx">]><o><cid>&big;</cid></o>"#
        #expect(performing: { try MappingIntegration(idSource: .xml, idPath: "cid", body: .passthrough).map(xml(entity)) },
                throws: { ($0 as? MappingFailure)?.reason == "bad_payload" })
    }

    @Test("a JSON template fills placeholders JSON-escaped, leaves missing values empty, and keeps the id in the payload")
    func jsonTemplate() throws {
        let shape = try template(#"{"status":"{{ status }}","cid":"{{cid}}","note":"{{note}}","missing":"{{nope}}","items":"{{items}}"}"#)
        let mapping = MappingIntegration(idSource: .json, idPath: "cid", body: shape)
        let out = try mapping.map(json(#"{"cid":"T-1","status":"paid","note":"say \"hi\"\n\\ ok","items":[1,2]}"#))
        let posted = text(out[0].body)
        #expect(posted == #"{"status":"paid","cid":"T-1","note":"say \"hi\"\n\\ ok","missing":"","items":"[1,2]"}"#)
        let document = try JSONBody.parse(out[0].body)
        #expect(JSONBody.string(at: "note", in: document) == "say \"hi\"\n\\ ok")
        #expect(out[0].contentType == "application/json")
        #expect(out[0].idLocation == .payload("cid"))

        let withoutID = try MappingIntegration(idSource: .json, idPath: "cid", body: try template(#"{"status":"{{status}}"}"#)).map(json(#"{"cid":"T-2","status":"paid"}"#))
        #expect(text(withoutID[0].body) == #"{"status":"paid"}"#)
        #expect(withoutID[0].idLocation == .header(MappingIntegration.idHeader))
    }

    @Test("templates read form and XML bodies too, escaping for the template's own content type")
    func otherTemplates() throws {
        let fromForm = MappingIntegration(idSource: .form, idPath: "cid", body: try template(#"{"cid":"{{cid}}","text":"{{Body}}"}"#))
        let out = try fromForm.map(form("cid=F-9&Body=Tom+%26+%22Jerry%22"))
        #expect(text(out[0].body) == #"{"cid":"F-9","text":"Tom & \"Jerry\""}"#)
        #expect(out[0].idLocation == .payload("cid"))

        let toXML = MappingIntegration(idSource: .json, idPath: "cid", body: try template("<event><cid>{{cid}}</cid><who>{{who}}</who></event>", "application/xml"))
        let xmlOut = try toXML.map(json(#"{"cid":"J-1","who":"<Tom & Jerry>"}"#))
        #expect(text(xmlOut[0].body) == "<event><cid>J-1</cid><who>&lt;Tom &amp; Jerry&gt;</who></event>")
        #expect(xmlOut[0].contentType == "application/xml")
        #expect(xmlOut[0].idLocation == .payload("cid"))

        let fromXML = MappingIntegration(idSource: .xml, idPath: "cid", body: try template("status={{status}}&cid={{cid}}", "application/x-www-form-urlencoded"))
        let formOut = try fromXML.map(xml("<o><cid>X 2</cid><status>a&amp;b</status></o>"))
        #expect(text(formOut[0].body) == "status=a%26b&cid=X%202")
        #expect(formOut[0].idLocation == .payload("cid"))
    }

    @Test("a pattern cuts the id out of a longer value; the id then travels in a header")
    func pattern() throws {
        let selector = EventIDSelector(source: .json, path: "subject", pattern: try IDPattern("\\[ref:([A-Z0-9-]+)\\]"))
        let out = try MappingIntegration(eventID: selector, body: .passthrough).map(json(#"{"subject":"Re: booking [ref:EXT-77] confirmed"}"#))
        #expect(out[0].eventID == "EXT-77")
        #expect(out[0].idLocation == .header(MappingIntegration.idHeader))
        #expect(performing: { try MappingIntegration(idSource: .json, idPath: "cid", body: .passthrough).map(json(#"{"cid":"a\nX-Api-Key: stolen"}"#)) },
                throws: { ($0 as? MappingFailure)?.message.contains("control characters") == true })
    }

    @Test("options from YAML: xml ids, templates, and their mistakes with positions")
    func options() throws {
        let built = build(plugin: "mapping", options: """
        event_id: { from: xml, path: order.cid }
        body: { template: '{"order":{"cid":"{{order.cid}}"},"at":"{{order.at}}"}', content_type: application/json }
        """)
        #expect(built.issues.isEmpty, "\(built.issues)")
        let mapping = try #require(built.integration)
        let out = try mapping.map(xml("<order><cid>Y-1</cid><at>noon</at></order>"))
        #expect(text(out[0].body) == #"{"order":{"cid":"Y-1"},"at":"noon"}"#)
        #expect(out[0].idLocation == .payload("order.cid"))

        let wrong = build(plugin: "mapping", options: """
        event_id: { from: yaml, path: cid }
        body: { template: '{"cid":"{{cid}"}', content_type: image/png, fields: [a] }
        """)
        #expect(wrong.integration == nil)
        #expect(wrong.errors.contains { $0.path == "integrations.a.options.event_id.from" && $0.message.contains("json, header, form, query, xml") })
        #expect(wrong.errors.contains { $0.path == "integrations.a.options.body.content_type" && $0.position?.line == firstOptionLine + 1 })
        #expect(wrong.errors.contains { $0.path == "integrations.a.options.body.fields" && $0.message.contains("either fields or template") })

        let unterminated = build(plugin: "mapping", options: "body: { template: '{\"cid\":\"{{cid}\"}' }")
        #expect(unterminated.errors.contains { $0.path == "integrations.a.options.body.template" && $0.message.contains("not closed") })
        let list = build(plugin: "mapping", options: "body: [a, b]")
        #expect(list.errors.contains { $0.path == "integrations.a.options.body" && $0.message.contains("template") })
    }
}
