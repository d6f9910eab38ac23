/// Where a plugin finds the external event id: the `event_id` option.
///
/// ```yaml
/// event_id: { from: json, path: data.object.metadata.cid }           # json | header | form | query | xml
/// event_id: { from: form, path: Body, pattern: 'ref ([A-Z0-9-]+)' }  # cut the id out of a longer value
/// ```
/// For batch payloads (HubSpot, Salesforce) a `json`/`xml` path is relative to each event of the batch.
public struct EventIDSelector: Sendable, Equatable, CustomStringConvertible {
    /// The part of the inbound event the id is read from.
    public enum Source: String, Sendable, CaseIterable {
        /// A dotted path into a JSON body (numeric segments index arrays).
        case json
        /// A request header (names compare case-insensitively).
        case header
        /// A field of an `application/x-www-form-urlencoded` body.
        case form
        /// A query-string parameter of the webhook URL.
        case query
        /// A dotted path of element names into an XML body (namespace prefixes ignored).
        case xml
    }

    /// The longest external event id accepted, in bytes.
    public static let maxIDBytes = 1_024

    /// Where the id is read from.
    public var source: Source
    /// The dotted path or the name.
    public var path: String
    /// Cuts the id out of the value found, when set.
    public var pattern: IDPattern?

    /// Makes a selector.
    public init(source: Source, path: String, pattern: IDPattern? = nil) {
        self.source = source
        self.path = path
        self.pattern = pattern
    }

    /// Reads the optional `event_id` option; `allowed` lists the sources this plugin supports.
    ///
    /// `from` defaults to the default selector's source; `path` is required; `pattern` is optional.
    public static func read(_ options: ConfigReader, allowed: [Source], default fallback: EventIDSelector) -> EventIDSelector? {
        guard let reader = options.mapping("event_id") else {
            return options.has("event_id") ? nil : fallback
        }
        defer { reader.finish() }
        let errorsBefore = options.diagnostics.errorCount
        var source = fallback.source
        if let from = reader.oneOf("from", allowed.map(\.rawValue)), let parsed = Source(rawValue: from) {
            source = parsed
        }
        let pathNode = reader.value("path", required: true)
        var path = ""
        if let pathNode, let text = pathNode.string(options.diagnostics) {
            path = text
            if let problem = pathProblem(text, source: source) {
                options.diagnostics.error(problem, at: pathNode)
            }
        }
        var pattern: IDPattern?
        if let node = reader.value("pattern"), let text = node.string(options.diagnostics) {
            do {
                pattern = try IDPattern(text)
            } catch {
                options.diagnostics.error("not a valid regular expression: \(error.message)", at: node)
            }
        }
        guard options.diagnostics.errorCount == errorsBefore else { return nil }
        return EventIDSelector(source: source, path: path, pattern: pattern)
    }

    /// Why a path cannot work for a source, if it cannot.
    static func pathProblem(_ path: String, source: Source) -> String? {
        guard !path.isEmpty else { return "must not be empty" }
        switch source {
        case .json, .xml:
            if path.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
                return "expected a dotted path such as data.object.cid (no empty segments)"
            }
        case .header:
            let token = path.utf8.allSatisfy { byte in
                byte > 32 && byte < 127 && !"()<>@,;:\\\"/[]?={}".utf8.contains(byte)
            }
            if !token { return "expected a header name such as X-Cid" }
        case .form, .query:
            break
        }
        return nil
    }

    /// Where the id is looked for, as logged in a `no_event_id` dead letter (`json data.object.metadata.cid`).
    public var description: String {
        "\(source.rawValue) \(path)" + (pattern.map { " matching /\($0.text)/" } ?? "")
    }

    /// Whether the id can travel inside an outbound body that keeps the field it came from.
    public var canTravelInBody: Bool {
        pattern == nil && (source == .json || source == .form || source == .xml)
    }

    /// The raw value at the selected place, before `pattern`; `json`, `form` and `xml` are the parsed body (or the
    /// batch element the path is relative to). A body part that was not given reads as absent.
    public func rawValue(in event: InboundEvent, json: Any? = nil, form: [Header]? = nil, xml: XMLBody.Element? = nil) -> String? {
        switch source {
        case .json: return json.flatMap { JSONBody.string(at: path, in: $0) }
        case .header: return event.headers.first(named: path)
        case .form: return (form ?? FormBody.parse(event.body)).first(exactly: path)
        case .query: return event.query.first(exactly: path)
        case .xml: return xml.flatMap { $0.string(at: path) }
        }
    }

    /// The external event id: trimmed, cut by `pattern`, checked. Throws `no_event_id` when absent or empty and
    /// `bad_payload` when it could not be sent safely (control characters, longer than `maxIDBytes`).
    public func eventID(in event: InboundEvent, json: Any? = nil, form: [Header]? = nil, xml: XMLBody.Element? = nil) throws(MappingFailure) -> String {
        try eventID(from: rawValue(in: event, json: json, form: form, xml: xml))
    }

    /// The external event id in `raw`, the text found where this selector looks: trimmed, cut by `pattern`,
    /// checked, as `eventID(in:)` does.
    public func eventID(from raw: String?) throws(MappingFailure) -> String {
        guard var value = raw else { throw .noEventID(description) }
        if let pattern {
            guard let cut = pattern.firstMatch(in: value) else { throw .noEventID(description) }
            value = cut
        }
        value = value.trimmingWhitespace()
        guard !value.isEmpty else { throw .noEventID(description) }
        guard value.utf8.count <= Self.maxIDBytes else {
            throw .badPayload("external event id at \(description) is longer than \(Self.maxIDBytes) bytes")
        }
        guard !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .badPayload("external event id at \(description) contains control characters")
        }
        return value
    }

    /// Where the outbound request carries the id: in the body at `path` when `bodyCarriesID`, otherwise in the
    /// header or query parameter it came from, otherwise in `PluginKit.idHeader`.
    public func location(bodyCarriesID: Bool) -> EventIDLocation {
        if bodyCarriesID, canTravelInBody { return .payload(path) }
        switch source {
        case .header where pattern == nil && !Self.reservedHeaderNames.contains(path.lowercased()):
            return .header(path)
        case .query where pattern == nil && !Self.reservedQueryNames.contains(path):
            return .query(path)
        default:
            return .header(PluginKit.idHeader)
        }
    }

    /// Where the outbound request carries the id when `body` is posted from a body of kind `bodySource`: in the
    /// payload when the id is read from that body and `body` keeps it, otherwise as `location(bodyCarriesID:)` says.
    public func location(posting body: BodySelector, from bodySource: Source) -> EventIDLocation {
        location(bodyCarriesID: source == bodySource && body.carries(self))
    }

    /// The query parameters PolyAI's endpoint itself requires: the id never travels under one of these names.
    static let reservedQueryNames: Set<String> = ["event_id_location", "event_id_path", "account_id", "project_id"]

    /// Headers the outbound request sets itself (lowercased): the id never travels under one of these names.
    static let reservedHeaderNames: Set<String> = ["x-api-key", "content-type", "content-length", "host", "transfer-encoding"]
}
