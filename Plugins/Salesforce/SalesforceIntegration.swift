import SwitchboardCore

/// Salesforce Outbound Messages into live conversations: accepts only the listed organizations, posts one External
/// Event per `Notification` (the record's fields as JSON), and answers with the SOAP acknowledgement Salesforce
/// needs to stop re-sending.
///
/// ```yaml
/// plugin: salesforce
/// options:
///   organization_ids: [00D5g000004ABCD]     # 15- or 18-character form
///   event_id: { from: xml, path: sObject.PolyAI_CID__c }   # relative to each Notification (the default)
///   body: { fields: [sObjectType, sObject.StageName, sObject.PolyAI_CID__c] }
/// ```
/// Outbound messages carry no signature: the organization allow-list is the check. Put the endpoint behind HTTPS
/// and, where possible, a path only Salesforce knows.
public struct SalesforceIntegration: Integration {
    /// Where the id is by default, relative to each `Notification`.
    public static let defaultEventID = EventIDSelector(source: .xml, path: "sObject.PolyAI_CID__c")
    /// The sources `event_id.from` may name.
    public static let allowedSources: [EventIDSelector.Source] = [.xml, .header, .query]
    /// The SOAP reply that tells Salesforce the message was received.
    public static let acknowledgement = """
        <?xml version="1.0" encoding="UTF-8"?>\
        <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">\
        <soapenv:Body><notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound">\
        <Ack>true</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>
        """

    /// The accepted organizations, in their 15-character form.
    public private(set) var organizationIDs: Set<String>
    /// Where each notification's external event id is.
    public var eventID: EventIDSelector
    /// What is posted for each notification (selected from its JSON form).
    public var body: BodySelector

    /// Makes the integration; nil when an organization id is not a well-formed 15- or 18-character id.
    public init?(organizationIDs: [String], eventID: EventIDSelector = SalesforceIntegration.defaultEventID, body: BodySelector = .passthrough) {
        let canonical = organizationIDs.compactMap(SalesforceID.canonical)
        guard !canonical.isEmpty, canonical.count == organizationIDs.count else { return nil }
        self.organizationIDs = Set(canonical)
        self.eventID = eventID
        self.body = body
    }

    /// Reads the `options:` block strictly; nil (with issues reported) when it is wrong.
    public init?(options: ConfigReader) {
        let errorsBefore = options.diagnostics.errorCount
        var ids: [String] = []
        if let node = options.value("organization_ids", required: true) {
            let elements = node.kind == .sequence ? node.elements : [node]
            if elements.isEmpty { options.diagnostics.error("list at least one organization id", at: node) }
            for element in elements {
                guard let text = element.string(options.diagnostics) else { continue }
                guard SalesforceID.canonical(text) != nil else {
                    options.diagnostics.error("expected a 15- or 18-character Salesforce organization id such as 00D5g000004ABCD (18-character ids must end in their case checksum)", at: element)
                    continue
                }
                ids.append(text)
            }
        }
        let eventID = EventIDSelector.read(options, allowed: Self.allowedSources, default: Self.defaultEventID)
        let body = BodySelector.read(options)
        guard options.diagnostics.errorCount == errorsBefore, let eventID, let body else { return nil }
        self.init(organizationIDs: ids, eventID: eventID, body: body)
    }

    /// Registers `salesforce` in a plugin registry.
    public static func register(in registry: inout IntegrationRegistry) {
        registry.register("salesforce") { options, _ in SalesforceIntegration(options: options) }
    }

    /// Accepts only outbound messages from a listed organization.
    public func verify(_ event: InboundEvent) -> Verification {
        let message: SalesforceOutboundMessage
        do {
            message = try SalesforceOutboundMessage(event.body)
        } catch {
            return .rejected(reason: "not a Salesforce outbound message: \(error.message)")
        }
        guard let organization = message.organizationID, !organization.isEmpty else {
            return .rejected(reason: "outbound message without an OrganizationId")
        }
        guard let canonical = SalesforceID.canonical(organization) else {
            return .rejected(reason: "OrganizationId is not a well-formed Salesforce id")
        }
        guard organizationIDs.contains(canonical) else {
            return .rejected(reason: "organization \(canonical) is not in options.organization_ids")
        }
        return .accepted
    }

    /// One External Event per `Notification`, its record as JSON.
    public func map(_ event: InboundEvent) throws(MappingFailure) -> [ExternalEvent] {
        let message = try SalesforceOutboundMessage(event.body)
        let location = eventID.location(posting: body, from: .xml)
        var out: [ExternalEvent] = []
        out.reserveCapacity(message.notifications.count)
        for (index, notification) in message.notifications.enumerated() {
            let id: String
            do {
                id = try eventID.eventID(in: event, xml: notification)
            } catch {
                throw MappingFailure(reason: error.reason, message: "Salesforce notification \(index): \(error.message)")
            }
            out.append(ExternalEvent(
                eventID: id,
                idLocation: location,
                body: body.json(from: SalesforceOutboundMessage.json(for: notification)),
                contentType: BodyKind.json.contentType,
                deliveryID: notification.child("Id")?.trimmedText
            ))
        }
        return out
    }

    /// The SOAP `notificationsResponse` with `<Ack>true</Ack>`.
    public func acknowledgement(for event: InboundEvent) -> WebhookReply? {
        WebhookReply(status: 200, contentType: "text/xml; charset=utf-8", body: Array(Self.acknowledgement.utf8))
    }

    /// The notification ids joined with commas: Salesforce re-sends an unacknowledged message with the same ids.
    public func deliveryID(for event: InboundEvent) -> String? {
        guard let message = try? SalesforceOutboundMessage(event.body) else { return nil }
        let ids = message.notificationIDs
        return ids.isEmpty ? nil : ids.joined(separator: ",")
    }
}
