import SwitchboardCore

extension MappingIntegration {
    /// The inbound body, parsed as far as the mapping needs it.
    struct ParsedBody {
        var kind: BodyKind
        var json: Any?
        var form: [Header]?
        var xml: XMLBody.Element?

        /// The value at a dotted path (JSON, XML) or field name (form) as text; objects and arrays as compact JSON.
        func value(at path: String) -> String? {
            switch kind {
            case .json:
                guard let json, let found = JSONBody.value(at: path, in: json) else { return nil }
                if let text = JSONBody.scalarText(found) { return text }
                if found is [String: Any] || found is [Any] { return String(decoding: JSONBody.encode(found), as: UTF8.self) }
                return nil
            case .form:
                return form?.first(exactly: path)
            case .xml:
                return xml?.string(at: path)
            case .text:
                return nil
            }
        }
    }

    /// One External Event: the id from the configured place, the body as configured.
    public func map(_ event: InboundEvent) throws(MappingFailure) -> [ExternalEvent] {
        try PluginKit.checkSize(event.body)
        let kind = bodyKind(of: event)
        if body == .passthrough, idSource == .json, let text = JSONFieldScan.string(at: idPath, in: event.body) {
            // The common case, a JSON body passed through with its id read from it: one pass over the body
            // instead of a full parse (which stays the answer whenever the scan is not sure).
            return [ExternalEvent(
                eventID: try eventID.eventID(from: text),
                idLocation: eventID.location(bodyCarriesID: eventID.canTravelInBody),
                body: event.body,
                contentType: BodyKind.outboundContentType(for: event.contentType, fallback: .json)
            )]
        }
        let needsBody = body != .passthrough || [.json, .form, .xml].contains(idSource)
        let parsed = needsBody ? try parse(event.body, as: kind) : ParsedBody(kind: kind)
        let id = try eventID.eventID(in: event, json: parsed.json, form: parsed.form, xml: parsed.xml)
        let idFromBody = eventID.canTravelInBody && Self.bodyKind(for: idSource) == kind

        switch body {
        case .passthrough:
            return [ExternalEvent(
                eventID: id,
                idLocation: eventID.location(bodyCarriesID: idFromBody),
                body: event.body,
                contentType: BodyKind.outboundContentType(for: event.contentType, fallback: kind)
            )]
        case .fields(let paths):
            let carries = idFromBody && paths.contains(idPath)
            let outgoing: [UInt8]
            let contentType: String
            switch kind {
            case .json:
                guard let json = parsed.json else { throw .badPayload("selected fields need a JSON, form or XML body") }
                outgoing = BodySelector.fields(paths).json(from: json)
                contentType = BodyKind.json.contentType
            case .form:
                outgoing = BodySelector.fields(paths).form(from: parsed.form ?? [])
                contentType = BodyKind.form.contentType
            case .xml:
                var texts: [String: Any] = [:]
                for path in paths {
                    if let text = parsed.value(at: path) { texts[path] = text }
                }
                outgoing = JSONBody.encode(Self.nest(texts))
                contentType = BodyKind.json.contentType
            case .text:
                throw .badPayload("selected fields need a JSON, form or XML body")
            }
            return [ExternalEvent(eventID: id, idLocation: eventID.location(bodyCarriesID: carries), body: outgoing, contentType: contentType)]
        case .template(let template):
            let outgoing = template.render { parsed.value(at: $0) }
            let carries = eventID.canTravelInBody && Self.rendered(outgoing, contentType: template.contentType, holds: id, at: idPath)
            return [ExternalEvent(eventID: id, idLocation: eventID.location(bodyCarriesID: carries), body: outgoing, contentType: template.contentType)]
        }
    }

    /// How the body is read: as the id source says (json, form, xml), otherwise as its `Content-Type` says, JSON
    /// when that names nothing structured.
    func bodyKind(of event: InboundEvent) -> BodyKind {
        if let kind = Self.bodyKind(for: idSource) { return kind }
        switch BodyKind(mediaType: event.mediaType) {
        case .form?: return .form
        case .xml?: return .xml
        default: return .json
        }
    }

    /// The body kind an id source reads.
    static func bodyKind(for source: IDSource) -> BodyKind? {
        switch source {
        case .json: .json
        case .form: .form
        case .xml: .xml
        case .header, .query: nil
        }
    }

    func parse(_ body: [UInt8], as kind: BodyKind) throws(MappingFailure) -> ParsedBody {
        var parsed = ParsedBody(kind: kind)
        switch kind {
        case .json: parsed.json = try JSONBody.parse(body)
        case .form: parsed.form = FormBody.parse(body)
        case .xml: parsed.xml = try XMLBody.parse(body)
        case .text: break
        }
        return parsed
    }

    /// Whether a rendered body holds `id` at `path` when read as its content type says (so PolyAI finds it there).
    static func rendered(_ body: [UInt8], contentType: String, holds id: String, at path: String) -> Bool {
        let media = contentType.split(separator: ";").first.map { String($0).trimmingSpaces().lowercased() }
        switch BodyKind(mediaType: media) {
        case .json?:
            guard let document = try? JSONBody.parse(body) else { return false }
            return JSONBody.string(at: path, in: document) == id
        case .form?:
            return FormBody.parse(body).first(exactly: path) == id
        case .xml?:
            guard let root = try? XMLBody.parse(body) else { return false }
            return root.string(at: path) == id
        default:
            return false
        }
    }

    /// Turns `{"a.b": x}` into `{"a": {"b": x}}`.
    static func nest(_ flat: [String: Any]) -> [String: Any] {
        var out: [String: Any] = [:]
        for (path, value) in flat {
            out = merge(out, insert(value, at: path.split(separator: ".").map(String.init)[...]))
        }
        return out
    }

    private static func insert(_ value: Any, at segments: ArraySlice<String>) -> [String: Any] {
        guard let first = segments.first else { return [:] }
        if segments.count == 1 { return [first: value] }
        return [first: insert(value, at: segments.dropFirst())]
    }

    private static func merge(_ lhs: [String: Any], _ rhs: [String: Any]) -> [String: Any] {
        var out = lhs
        for (key, value) in rhs {
            if let left = out[key] as? [String: Any], let right = value as? [String: Any] {
                out[key] = merge(left, right)
            } else {
                out[key] = value
            }
        }
        return out
    }
}
