import SwitchboardCore

/// The declarative integration: takes the external event id from the JSON, form or XML body, a header or a query
/// parameter, and posts the whole body, selected fields, or a small template.
///
/// ```yaml
/// options:
///   event_id: { from: json, path: cid }   # json | header | form | query | xml; optional `pattern` cuts it out
///   body: passthrough                     # or { fields: [status, amount] }
///                                         # or { template: '{"status":"{{status}}"}', content_type: application/json }
///   verify: { hmac: { header: X-Signature, secret: "${SECRET}" } }   # optional; or token, or basic
/// ```
public struct MappingIntegration: Integration {
    /// Where the id is read from in the inbound event.
    public typealias IDSource = EventIDSelector.Source

    /// What the outbound body is.
    public enum BodyShape: Sendable, Equatable {
        /// The inbound body unchanged.
        case passthrough
        /// Only these dotted paths (JSON, XML) or field names (form) of the inbound body.
        case fields([String])
        /// A template filled from the inbound body.
        case template(BodyTemplate)
    }

    /// The header that carries the id when the outbound body does not.
    public static let idHeader = PluginKit.idHeader

    /// Where the id is read from, and how.
    public var eventID: EventIDSelector
    /// The outbound body.
    public var body: BodyShape
    /// How webhook callers are checked; nil accepts every request (`validate` warns on a non-loopback listener).
    public var verification: MappingVerification?

    /// Where the id is read from.
    public var idSource: IDSource { eventID.source }
    /// The dotted path or name of the id.
    public var idPath: String { eventID.path }

    /// Makes a mapping.
    public init(idSource: IDSource, idPath: String, body: BodyShape) {
        self.init(eventID: EventIDSelector(source: idSource, path: idPath), body: body)
    }

    /// Makes a mapping with a full id selector (a `pattern` included) and, optionally, a check of its callers.
    public init(eventID: EventIDSelector, body: BodyShape, verification: MappingVerification? = nil) {
        self.eventID = eventID
        self.body = body
        self.verification = verification
    }

    /// Registers `mapping` in a plugin registry; `clock` is what signed timestamps are checked against.
    public static func register(in registry: inout IntegrationRegistry, clock: any DeliveryClock = SystemDeliveryClock()) {
        registry.register("mapping") { options, _ in MappingIntegration(options: options, clock: clock) }
    }

    /// Reads the `options:` block; nil (with issues reported) when it is wrong.
    public init?(options: ConfigReader, clock: any DeliveryClock = SystemDeliveryClock()) {
        let errorsBefore = options.diagnostics.errorCount
        let eventID = EventIDSelector.read(options, allowed: IDSource.allCases, default: EventIDSelector(source: .json, path: "cid"))
        let body = Self.readBody(options)
        let publicURL = PublicURL.read(options)
        let verification = MappingVerification.read(options, publicURL: publicURL ?? PublicURL(), clock: clock)
        if options.has("public_url"), options.diagnostics.errorCount == errorsBefore, verification?.usesURL != true {
            options.diagnostics.warning(
                "public_url is only used when verify.hmac.signed holds {url}; it has no effect here",
                path: options.path(of: "public_url"), position: options.keyPosition("public_url")
            )
        }
        guard options.diagnostics.errorCount == errorsBefore, let eventID, let body, publicURL != nil else { return nil }
        self.init(eventID: eventID, body: body, verification: verification)
    }

    /// Checks a webhook caller as `options.verify` says; accepts every request without it, and Kafka messages.
    public func verify(_ event: InboundEvent) -> Verification {
        verification?.verify(event) ?? .accepted
    }

    /// The signature or token header `verify` reads (`Authorization` is never stored anyway).
    public var credentialHeaders: [String] {
        switch verification {
        case .hmac(let check)?: [check.header]
        case .token(let check)?: [check.header]
        case .basic?, nil: []
        }
    }

    /// The id header, when the id is read from one, even if it is also a credential.
    public var headersKeptAtRest: [String] {
        idSource == .header ? [idPath] : []
    }

    static let bodyExpectation = "expected 'passthrough', { fields: [...] } or { template: '...', content_type: ... }"

    /// Reads the optional `body` option.
    static func readBody(_ options: ConfigReader) -> BodyShape? {
        guard let node = options.value("body") else { return options.has("body") ? nil : .passthrough }
        switch node.kind {
        case .scalar:
            guard node.scalar == "passthrough" else {
                options.diagnostics.error(bodyExpectation, at: node)
                return nil
            }
            return .passthrough
        case .mapping:
            let reader = ConfigReader(node: node, diagnostics: options.diagnostics)
            defer { reader.finish() }
            if reader.has("template") {
                if reader.has("fields") {
                    options.diagnostics.error("use either fields or template, not both", path: reader.path(of: "fields"), position: reader.keyPosition("fields"))
                    _ = reader.child("fields")
                }
                return readTemplate(reader)
            }
            return BodySelector.readFields(reader).flatMap { selector in
                if case .fields(let fields) = selector { return .fields(fields) }
                return .passthrough
            }
        case .sequence, .null:
            options.diagnostics.error(bodyExpectation, at: node)
            return nil
        }
    }

    /// Reads `template` and `content_type` (default `application/json`, one of PolyAI's four).
    static func readTemplate(_ reader: ConfigReader) -> BodyShape? {
        var contentType = BodyKind.json.contentType
        if let node = reader.value("content_type"), let text = node.string(reader.diagnostics) {
            let media = text.split(separator: ";").first.map { String($0).trimmingSpaces().lowercased() }
            guard BodyKind(mediaType: media) != nil else {
                reader.diagnostics.error("expected one of: application/json, application/x-www-form-urlencoded, application/xml, text/plain", at: node)
                return nil
            }
            contentType = BodyKind.outboundContentType(for: text, fallback: .json)
        }
        guard let node = reader.value("template", required: true), let text = node.string(reader.diagnostics) else { return nil }
        do {
            return .template(try BodyTemplate(parsing: text, contentType: contentType))
        } catch {
            reader.diagnostics.error("template: \(error.message)", at: node)
            return nil
        }
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }
}
