import SwitchboardCore

/// One External Event a test expects: each field given is compared, the others are not.
struct ExpectedEvent {
    /// The external event id.
    var eventID: String?
    /// The body's content type.
    var contentType: String?
    /// The exact body bytes (`body:` or `body_file:`).
    var body: [UInt8]?
    /// A subset of the body as JSON (`body_json:`).
    var bodyJSON: TestJSON?
    /// Where PolyAI finds the id: `payload`, `headers` or `querystring` (`event_id_location`).
    var idLocation: String?
    /// The name or dotted path of the id there (`event_id_path`).
    var idPath: String?
    /// The key of the lane the event is delivered in (the event id unless the integration orders by another).
    var orderingKey: String?
    /// The provider's delivery id a re-send is recognised by.
    var deliveryID: String?

    /// Reads one element of `events:`; nil (with issues) when it is wrong.
    static func read(_ node: ConfigNode, _ context: TestFile.Context) -> ExpectedEvent? {
        let diagnostics = context.diagnostics
        let errorsBefore = diagnostics.errorCount
        let reader = ConfigReader(node: node, diagnostics: diagnostics)
        defer { reader.finish() }
        guard node.kind == .mapping else { return nil }
        var event = ExpectedEvent()
        event.eventID = reader.string("event_id")
        event.contentType = reader.string("content_type")
        event.body = TestRequest.payload(reader, text: "body", file: "body_file", context)
        if let json = reader.value("body_json") {
            if event.body != nil {
                diagnostics.error("give body: (exact bytes) or body_json: (a subset), not both", at: json)
            } else if json.kind == .scalar, let text = json.string(diagnostics) {
                // JSON text, as a body is written: '{"cid":"evt_1"}'.
                event.bodyJSON = TestJSON.parse(Array(text.utf8))
                if event.bodyJSON == nil { diagnostics.error("expected JSON text or a YAML mapping or list", at: json) }
            } else {
                event.bodyJSON = TestJSON.from(json, diagnostics)
            }
        }
        event.idLocation = reader.oneOf("event_id_location", ["payload", "headers", "querystring"])
        event.idPath = reader.string("event_id_path")
        event.orderingKey = reader.string("ordering_key")
        event.deliveryID = reader.string("delivery_id")
        guard diagnostics.errorCount == errorsBefore else { return nil }
        return event
    }
}
