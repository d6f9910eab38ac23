import SwitchboardCore

/// A Salesforce Outbound Message: a SOAP envelope whose body holds `notifications` with the sending
/// `OrganizationId` and one or more `Notification`s, each with its `Id` and the changed `sObject`.
///
/// ```xml
/// <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
///  <soapenv:Body>
///   <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
///    <OrganizationId>00D000000000062EAA</OrganizationId>
///    <Notification><Id>04l000000000001AAA</Id>
///     <sObject xsi:type="sf:Opportunity"><sf:Id>006…</sf:Id><sf:PolyAI_CID__c>…</sf:PolyAI_CID__c></sObject>
///    </Notification>
///   </notifications>
///  </soapenv:Body>
/// </soapenv:Envelope>
/// ```
struct SalesforceOutboundMessage {
    /// The organization that sent it, as written.
    var organizationID: String?
    /// The notifications, in order.
    var notifications: [XMLBody.Element]

    /// Reads a message; `bad_payload` when the body is not an outbound message.
    init(_ body: [UInt8]) throws(MappingFailure) {
        let root = try XMLBody.parse(body)
        guard let container = Self.notificationsElement(in: root) else {
            throw .badPayload("no <notifications> element: not a Salesforce outbound message")
        }
        organizationID = container.child("OrganizationId")?.trimmedText
        notifications = container.children("Notification")
        guard notifications.count <= PluginKit.maxBatchEvents else {
            throw .badPayload("\(notifications.count) notifications are more than \(PluginKit.maxBatchEvents)")
        }
    }

    /// The `notifications` element: under `Envelope/Body`, or the root itself.
    static func notificationsElement(in root: XMLBody.Element) -> XMLBody.Element? {
        if root.localName == "notifications" { return root }
        return root.child("Body")?.child("notifications")
    }

    /// The `Id` of each notification, in order (Salesforce re-sends a message with the same ids).
    var notificationIDs: [String] {
        notifications.compactMap { $0.child("Id")?.trimmedText }.filter { !$0.isEmpty }
    }

    /// The JSON object posted for a notification: its children by local name (`Id`, `sObject` with the record's
    /// fields), plus `sObjectType` from the sObject's `xsi:type` (`Opportunity`).
    static func json(for notification: XMLBody.Element) -> [String: Any] {
        var object = notification.jsonValue() as? [String: Any] ?? [:]
        if let type = notification.child("sObject")?.attribute("type") {
            object["sObjectType"] = String(type.split(separator: ":").last ?? Substring(type))
        }
        return object
    }
}
