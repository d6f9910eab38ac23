import SwitchboardCore
import SwitchboardKafka

/// One External Event of an accepted webhook as a Kafka record (`webhook.journal: kafka`): the body as the value,
/// the ordering key as the key (one conversation stays in one partition), and everything else in headers.
struct WebhookRecord: Sendable {
    var event: ExternalEvent
    var route: String
    var integration: String
    var receivedAtMillis: Int64
    /// The provider's delivery id with the event's place in its request (`stripe:evt_1#0`): a re-send of the
    /// request carries the same ones, so the partition's owner skips what it already delivered.
    var deliveryIdentity: String?

    private enum Name {
        static let route = "switchboard.route"
        static let integration = "switchboard.integration"
        static let receivedAt = "switchboard.received_at_ms"
        static let delivery = "switchboard.delivery_id"
        static let eventID = "switchboard.event_id"
        static let contentType = "switchboard.content_type"
        static let idLocation = "switchboard.event_id_location"
        static let idPath = "switchboard.event_id_path"
        static let orderingKey = "switchboard.ordering_key"
    }

    /// The record's key: the event's lane.
    var key: [UInt8] { Array(event.laneKey.utf8) }

    /// The record's headers.
    var headers: [KafkaHeader] {
        var headers = [
            KafkaHeader(name: Name.route, string: route),
            KafkaHeader(name: Name.integration, string: integration),
            KafkaHeader(name: Name.receivedAt, string: String(receivedAtMillis)),
            KafkaHeader(name: Name.eventID, string: event.eventID),
            KafkaHeader(name: Name.contentType, string: event.contentType),
            KafkaHeader(name: Name.idLocation, string: event.idLocation.locationName),
            KafkaHeader(name: Name.idPath, string: event.idLocation.path),
        ]
        if let key = event.orderingKey { headers.append(KafkaHeader(name: Name.orderingKey, string: key)) }
        if let identity = deliveryIdentity { headers.append(KafkaHeader(name: Name.delivery, string: identity)) }
        if let trace = event.trace {
            headers.append(KafkaHeader(name: TraceContext.parentHeader, string: trace.traceparent))
            if let state = trace.state { headers.append(KafkaHeader(name: TraceContext.stateHeader, string: state)) }
        }
        return headers
    }

    init(event: ExternalEvent, route: String, integration: String, receivedAtMillis: Int64, deliveryIdentity: String?) {
        self.event = event
        self.route = route
        self.integration = integration
        self.receivedAtMillis = receivedAtMillis
        self.deliveryIdentity = deliveryIdentity
    }

    /// Reads a record written by this type; nil (with what is missing) for anything else.
    static func decode(_ message: KafkaMessage) -> Result<WebhookRecord, MappingFailure> {
        var fields: [String: String] = [:]
        for header in message.headers where header.name.hasPrefix("switchboard.") {
            fields[header.name] = String(decoding: header.value, as: UTF8.self)
        }
        func missing(_ name: String) -> Result<WebhookRecord, MappingFailure> {
            .failure(MappingFailure(reason: DeadLetterReason.badPayload.rawValue, message: "webhook record without a valid \(name) header"))
        }
        guard let route = fields[Name.route] else { return missing(Name.route) }
        guard let integration = fields[Name.integration], !integration.isEmpty else { return missing(Name.integration) }
        guard let receivedAt = fields[Name.receivedAt].flatMap({ Int64($0) }) else { return missing(Name.receivedAt) }
        guard let eventID = fields[Name.eventID], !eventID.isEmpty else { return missing(Name.eventID) }
        guard let contentType = fields[Name.contentType] else { return missing(Name.contentType) }
        guard let path = fields[Name.idPath] else { return missing(Name.idPath) }
        let location: EventIDLocation
        switch fields[Name.idLocation] {
        case "headers": location = .header(path)
        case "querystring": location = .query(path)
        case "payload": location = .payload(path)
        default: return missing(Name.idLocation)
        }
        var event = ExternalEvent(
            eventID: eventID, idLocation: location, body: message.value, contentType: contentType,
            orderingKey: fields[Name.orderingKey]
        )
        event.trace = TraceContext(headers: message.headers.map { Header($0.name, String(decoding: $0.value, as: UTF8.self)) })
        return .success(WebhookRecord(event: event, route: route, integration: integration, receivedAtMillis: receivedAt, deliveryIdentity: fields[Name.delivery]))
    }
}
