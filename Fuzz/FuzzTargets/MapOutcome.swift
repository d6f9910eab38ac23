import SwitchboardCore

/// What `map` gave, comparable.
enum MapOutcome: Equatable, CustomStringConvertible {
    /// The external events, summarised.
    case events([Summary])
    /// The failure.
    case failure(MappingFailure)

    /// The parts of an external event that reach PolyAI.
    struct Summary: Equatable {
        var eventID: String
        var idLocation: EventIDLocation
        var body: [UInt8]
        var contentType: String
        var orderingKey: String?
        var deliveryID: String?
    }

    init(_ integration: any Integration, _ event: InboundEvent) {
        do {
            self = .events(try integration.map(event).map {
                Summary(eventID: $0.eventID, idLocation: $0.idLocation, body: $0.body, contentType: $0.contentType,
                        orderingKey: $0.orderingKey, deliveryID: $0.deliveryID)
            })
        } catch {
            self = .failure(error)
        }
    }

    var description: String {
        switch self {
        case .events(let events): "\(events.count) event(s) \(events.map(\.eventID))"
        case .failure(let failure): "failure \(failure)"
        }
    }
}
