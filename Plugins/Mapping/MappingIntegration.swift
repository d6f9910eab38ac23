import SwitchboardCore

/// The declarative integration: takes the external event id from the JSON body, a header, a form field or a query
/// parameter, and posts the whole body or selected fields.
///
/// ```yaml
/// options:
///   event_id: { from: json, path: cid }   # json | header | form | query
///   body: passthrough                     # or { fields: [status, amount] }
/// ```
public struct MappingIntegration: Integration {
    /// Where the id is read from in the inbound event.
    public enum IDSource: String, Sendable, CaseIterable {
        case json, header, form, query
    }

    /// What the outbound body is.
    public enum BodyShape: Sendable, Equatable {
        /// The inbound body unchanged.
        case passthrough
        /// A JSON object with only these dotted paths of the inbound JSON.
        case fields([String])
    }

    /// The header that carries the id when the outbound body does not.
    public static let idHeader = "X-External-Event-Id"

    /// Where the id is read from.
    public var idSource: IDSource
    /// The dotted path or name of the id.
    public var idPath: String
    /// The outbound body.
    public var body: BodyShape

    /// Makes a mapping.
    public init(idSource: IDSource, idPath: String, body: BodyShape) {
        self.idSource = idSource
        self.idPath = idPath
        self.body = body
    }

    /// Registers `mapping` in a plugin registry.
    public static func register(in registry: inout IntegrationRegistry) {
        registry.register("mapping") { options, _ in MappingIntegration(options: options) }
    }

    /// Reads the `options:` block; nil (with issues reported) when it is wrong.
    public init?(options: ConfigReader) {
        let errorsBefore = options.diagnostics.errorCount
        var idSource = IDSource.json
        var idPath = "cid"
        if let eventID = options.mapping("event_id") {
            if let from = eventID.oneOf("from", IDSource.allCases.map(\.rawValue)) { idSource = IDSource(rawValue: from) ?? .json }
            if let path = eventID.string("path", required: true) { idPath = path }
            eventID.finish()
        }
        var body = BodyShape.passthrough
        if let node = options.child("body") {
            if let text = node.scalar {
                if text != "passthrough" {
                    options.diagnostics.error("expected 'passthrough' or { fields: [...] }", at: node)
                    return nil
                }
            } else {
                let reader = ConfigReader(node: node, diagnostics: options.diagnostics)
                let fields = reader.strings("fields", required: true) ?? []
                reader.finish()
                if fields.isEmpty { return nil }
                body = .fields(fields)
            }
        }
        if options.diagnostics.errorCount > errorsBefore { return nil }
        self.init(idSource: idSource, idPath: idPath, body: body)
    }

    public func map(_ event: InboundEvent) throws(MappingFailure) -> [ExternalEvent] {
        var json: Any?
        if idSource == .json || body != .passthrough {
            json = try JSONBody.parse(event.body)
        }

        let eventID: String?
        switch idSource {
        case .json: eventID = json.flatMap { JSONBody.string(at: idPath, in: $0) }
        case .header: eventID = event.headers.first(named: idPath)
        case .form: eventID = FormBody.parse(event.body).first(exactly: idPath)
        case .query: eventID = event.query.first(exactly: idPath)
        }
        guard let eventID, !eventID.isEmpty else {
            throw .noEventID("\(idSource.rawValue) \(idPath)")
        }

        switch body {
        case .passthrough:
            let location: EventIDLocation
            switch idSource {
            case .json, .form: location = .payload(idPath)
            case .header: location = .header(idPath)
            case .query: location = .query(idPath)
            }
            let contentType = event.contentType ?? (idSource == .json ? "application/json" : "text/plain")
            return [ExternalEvent(eventID: eventID, idLocation: location, body: event.body, contentType: contentType)]
        case .fields(let paths):
            guard let json else { throw .badPayload("selected fields need a JSON body") }
            var selected: [String: Any] = [:]
            for path in paths {
                if let value = JSONBody.value(at: path, in: json) { MappingIntegration.insert(value, at: path, into: &selected) }
            }
            let carriesID = idSource == .json && paths.contains(idPath)
            return [ExternalEvent(
                eventID: eventID,
                idLocation: carriesID ? .payload(idPath) : .header(MappingIntegration.idHeader),
                body: JSONBody.encode(selected),
                contentType: "application/json"
            )]
        }
    }

    /// Puts `value` at a dotted path, creating objects on the way.
    static func insert(_ value: Any, at path: String, into object: inout [String: Any]) {
        let segments = path.split(separator: ".").map(String.init)
        guard let first = segments.first else { return }
        if segments.count == 1 {
            object[first] = value
            return
        }
        var child = object[first] as? [String: Any] ?? [:]
        insert(value, at: segments.dropFirst().joined(separator: "."), into: &child)
        object[first] = child
    }
}
