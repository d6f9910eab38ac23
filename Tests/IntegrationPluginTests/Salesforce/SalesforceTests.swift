import Foundation
import Testing
import Mapping
import Salesforce
import SwitchboardCore

@Suite("The salesforce integration")
struct SalesforceTests {
    static let org15 = "00D5g000004ABCD"
    static let org18 = "00D5g000004ABCDEA4"

    /// An Outbound Message as Salesforce sends it: SOAP envelope, namespaces, two notifications.
    static func message(org: String = org18, cids: [String?] = ["EXT-1", "EXT-2"]) -> String {
        let notifications = cids.enumerated().map { index, cid in
            """
               <Notification>
                <Id>04l5g00000ABCD\(index)AAA</Id>
                <sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
                 <sf:Id>0065g00000XYZ\(index)AAA</sf:Id>
                 <sf:StageName>Closed &amp; Won</sf:StageName>
                 \(cid.map { "<sf:PolyAI_CID__c>\($0)</sf:PolyAI_CID__c>" } ?? "<sf:PolyAI_CID__c xsi:nil=\"true\"/>")
                </sObject>
               </Notification>
            """
        }.joined(separator: "\n")
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
         <soapenv:Body>
          <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
           <OrganizationId>\(org)</OrganizationId>
           <ActionId>04k5g000000ABCDAAA</ActionId>
           <SessionId xsi:nil="true"/>
           <EnterpriseUrl>https://example.my.salesforce.com/services/Soap/c/58.0/00D5g000004ABCD</EnterpriseUrl>
           <PartnerUrl>https://example.my.salesforce.com/services/Soap/u/58.0/00D5g000004ABCD</PartnerUrl>
        \(notifications)
          </notifications>
         </soapenv:Body>
        </soapenv:Envelope>
        """
    }

    func request(_ body: String = message()) -> InboundEvent {
        inbound(body, headers: [Header("Content-Type", "text/xml; charset=utf-8"), Header("SOAPAction", "\"\"")])
    }

    func salesforce(_ orgs: [String] = [org15], eventID: EventIDSelector = SalesforceIntegration.defaultEventID,
                    body: BodySelector = .passthrough) throws -> SalesforceIntegration {
        try #require(SalesforceIntegration(organizationIDs: orgs, eventID: eventID, body: body))
    }

    @Test("a message from an allowed organization is accepted whether the id is listed in 15- or 18-character form")
    func allowList() throws {
        #expect(try salesforce([Self.org15]).verify(request()) == .accepted)
        #expect(try salesforce([Self.org18]).verify(request(Self.message(org: Self.org15))) == .accepted)
        #expect(try salesforce([Self.org18]).verify(request()) == .accepted)
        #expect(try salesforce(["00D5g000004ABCE"]).verify(request()).reason?.contains("not in options.organization_ids") == true)
        #expect(try salesforce([Self.org15.lowercased().replacingOccurrences(of: "00d", with: "00D")]).verify(request()) != .accepted,
                "15-character ids are case-sensitive")
    }

    @Test("a missing or malformed organization, a non-SOAP body and a DOCTYPE are rejected")
    func rejections() throws {
        let integration = try salesforce()
        #expect(integration.verify(request(Self.message(org: ""))).reason?.contains("without an OrganizationId") == true)
        #expect(integration.verify(request(Self.message(org: "00D5g000004ABCDAAA"))).reason?.contains("not a well-formed") == true)
        #expect(integration.verify(inbound(#"{"OrganizationId":"00D5g000004ABCD"}"#)).reason?.contains("not a Salesforce outbound message") == true)
        #expect(integration.verify(request("<other/>")).reason?.contains("no <notifications>") == true)
        let xxe = #"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>"#
        #expect(integration.verify(request(xxe)).reason?.contains("document type") == true)
    }

    @Test("each Notification becomes one External Event with the record's fields as JSON and its own delivery id")
    func mapping() throws {
        let integration = try salesforce()
        let out = try integration.map(request())
        #expect(out.map(\.eventID) == ["EXT-1", "EXT-2"])
        #expect(out.map(\.deliveryID) == ["04l5g00000ABCD0AAA", "04l5g00000ABCD1AAA"])
        #expect(out[0].idLocation == .payload("sObject.PolyAI_CID__c"))
        #expect(out[0].contentType == "application/json")
        let posted = try JSONBody.parse(out[0].body)
        #expect(JSONBody.string(at: "sObject.PolyAI_CID__c", in: posted) == "EXT-1")
        #expect(JSONBody.string(at: "sObject.StageName", in: posted) == "Closed & Won")
        #expect(JSONBody.string(at: "sObjectType", in: posted) == "Opportunity")
        #expect(JSONBody.string(at: "Id", in: posted) == "04l5g00000ABCD0AAA")
        #expect(integration.deliveryID(for: request()) == "04l5g00000ABCD0AAA,04l5g00000ABCD1AAA")
    }

    @Test("a notification without the id field is no_event_id naming it; selected fields keep or drop the id")
    func idAndFields() throws {
        #expect(performing: { try salesforce().map(request(Self.message(cids: ["EXT-1", nil]))) }, throws: { error in
            let failure = error as? MappingFailure
            return failure?.reason == "no_event_id" && failure?.message.contains("notification 1") == true
        })
        let kept = try salesforce(body: .fields(["sObject.StageName", "sObject.PolyAI_CID__c"])).map(request())
        #expect(text(kept[0].body) == #"{"sObject":{"PolyAI_CID__c":"EXT-1","StageName":"Closed & Won"}}"#)
        #expect(kept[0].idLocation == .payload("sObject.PolyAI_CID__c"))
        let dropped = try salesforce(body: .fields(["sObject.StageName"])).map(request())
        #expect(dropped[0].idLocation == .header(MappingIntegration.idHeader))
        let byRecord = try salesforce(eventID: EventIDSelector(source: .xml, path: "sObject.Id")).map(request())
        #expect(byRecord.map(\.eventID) == ["0065g00000XYZ0AAA", "0065g00000XYZ1AAA"])
    }

    /// An Outbound Message in the shape Salesforce documents and sends: one Case notification, CRLF line ends,
    /// entity and CDATA text, `xsi:nil` and the enterprise-namespaced record.
    static let caseMessage = """
        <?xml version="1.0" encoding="UTF-8"?>\r
        <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\r
         <soapenv:Body>\r
          <notifications xmlns="http://soap.sforce.com/2005/09/outbound">\r
           <OrganizationId>\(org18)</OrganizationId>\r
           <ActionId>04k5g000000XYZWAA4</ActionId>\r
           <SessionId xsi:nil="true"/>\r
           <EnterpriseUrl>https://acme.my.salesforce.com/services/Soap/c/59.0/00D5g000004ABCD</EnterpriseUrl>\r
           <PartnerUrl>https://acme.my.salesforce.com/services/Soap/u/59.0/00D5g000004ABCD</PartnerUrl>\r
           <Notification>\r
            <Id>04l5g00000DEFGHAA1</Id>\r
            <sObject xsi:type="sf:Case" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">\r
             <sf:Id>5005g00000QRSTUAA2</sf:Id>\r
             <sf:CaseNumber>00001026</sf:CaseNumber>\r
             <sf:PolyAI_CID__c>CID-7f3a</sf:PolyAI_CID__c>\r
             <sf:Subject>Refund &amp; callback &#8211; &quot;urgent&quot;</sf:Subject>\r
             <sf:Description><![CDATA[Caller said: <b>twice</b> & hung up]]></sf:Description>\r
             <sf:ClosedDate xsi:nil="true"/>\r
            </sObject>\r
           </Notification>\r
          </notifications>\r
         </soapenv:Body>\r
        </soapenv:Envelope>\r

        """

    @Test("a real Outbound Message (Case, CRLF, entities, CDATA, xsi:nil) is accepted and maps to one event")
    func realMessage() throws {
        let integration = try salesforce()
        #expect(integration.verify(request(Self.caseMessage)) == .accepted)
        let out = try integration.map(request(Self.caseMessage))
        #expect(out.map(\.eventID) == ["CID-7f3a"])
        #expect(out.map(\.deliveryID) == ["04l5g00000DEFGHAA1"])
        let posted = try JSONBody.parse(out[0].body)
        #expect(JSONBody.string(at: "sObjectType", in: posted) == "Case")
        #expect(JSONBody.string(at: "sObject.Id", in: posted) == "5005g00000QRSTUAA2")
        #expect(JSONBody.string(at: "sObject.Subject", in: posted) == "Refund & callback – \"urgent\"")
        #expect(JSONBody.string(at: "sObject.Description", in: posted) == "Caller said: <b>twice</b> & hung up")
        let byRecord = try salesforce(eventID: EventIDSelector(source: .xml, path: "sObject.Id")).map(request(Self.caseMessage))
        #expect(byRecord.map(\.eventID) == ["5005g00000QRSTUAA2"], "sf:Id is found as Id")
    }

    @Test("a hostile body is rejected with the reason: an attribute flood, an undefined entity, a deep nest")
    func hostileBodies() throws {
        let integration = try salesforce()
        let flood = "<notifications" + (0..<140_000).map { " a\(String($0, radix: 36))=\"\"" }.joined() + "/>"
        #expect(integration.verify(request(flood)).reason?.contains("more than 256 attributes") == true)
        let entity = Self.message().replacingOccurrences(of: "Closed &amp; Won", with: "Closed &ext; Won")
        #expect(integration.verify(request(entity)).reason?.contains("unknown entity") == true)
        let deep = String(repeating: "<a>", count: 100) + String(repeating: "</a>", count: 100)
        #expect(integration.verify(request(deep)).reason?.contains("deeper than 64") == true)
    }

    @Test("the reply is the SOAP acknowledgement Salesforce needs to stop re-sending")
    func acknowledgement() throws {
        let reply = try #require(try salesforce().acknowledgement(for: request()))
        #expect(reply.status == 200)
        #expect(reply.contentType.hasPrefix("text/xml"))
        let envelope = try XMLBody.parse(reply.body)
        #expect(envelope.localName == "Envelope")
        let response = try #require(envelope.child("Body")?.child("notificationsResponse"))
        #expect(response.attribute("xmlns") == "http://soap.sforce.com/2005/09/outbound")
        #expect(response.child("Ack")?.trimmedText == "true")
    }

    @Test("options: organization ids are checked (length, characters, 18-character checksum) at their lines")
    func options() throws {
        let built = build(plugin: "salesforce", options: """
        organization_ids: [\(Self.org18)]
        event_id: { from: xml, path: sObject.PolyAI_CID__c }
        body: { fields: [sObjectType, sObject.PolyAI_CID__c] }
        """)
        #expect(built.issues.isEmpty, "\(built.issues)")
        let integration = try #require(built.integration)
        #expect(integration.verify(request(Self.message(org: Self.org15))) == .accepted)

        let wrong = build(plugin: "salesforce", options: """
        organization_ids:
          - 00D5g000004ABCD
          - 00D5g000004ABCDAAA
          - 00D-bad
        signing_secret: x
        """)
        #expect(wrong.integration == nil)
        let orgErrors = wrong.errors.filter { $0.path.hasPrefix("integrations.a.options.organization_ids[") }
        #expect(orgErrors.map(\.path) == ["integrations.a.options.organization_ids[1]", "integrations.a.options.organization_ids[2]"])
        #expect(orgErrors.map { $0.position?.line } == [firstOptionLine + 2, firstOptionLine + 3])
        #expect(wrong.errors.contains { $0.path == "integrations.a.options.signing_secret" && $0.message.hasPrefix("unknown key") })

        let missing = build(plugin: "salesforce", options: "body: passthrough")
        #expect(missing.errors.contains { $0.path == "integrations.a.options.organization_ids" && $0.message.contains("missing required key") })
    }
}
