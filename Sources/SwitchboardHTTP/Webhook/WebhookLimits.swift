import Hummingbird
import SwitchboardCore

/// The listener's limits on one request (`webhook.max_headers`, `max_header_bytes`, `max_query_params`,
/// `max_form_fields`, `max_depth`), each checked in one linear pass before the request reaches an integration.
enum WebhookLimits {
    /// Header count and size, and query parameter count: checked before the body is read.
    static func checkHead(_ request: Request, settings: WebhookConfig) -> WebhookRefusal? {
        let fields = request.headers
        // HTTP/1's Host travels as the request's authority, not among the fields; it counts all the same.
        let count = fields.count + (request.head.authority == nil ? 0 : 1)
        if count > settings.maxHeaders { return .tooManyHeaders(limit: settings.maxHeaders) }
        var bytes = request.head.authority?.utf8.count ?? 0
        for field in fields {
            bytes += field.name.canonicalName.utf8.count + field.value.utf8.count
            if bytes > settings.maxHeaderBytes { return .headersTooLarge(limit: settings.maxHeaderBytes) }
        }
        if let query = request.uri.query, pairCount(query.utf8) > settings.maxQueryParameters {
            return .tooManyQueryParameters(limit: settings.maxQueryParameters)
        }
        return nil
    }

    /// Form field count and JSON nesting depth, by the declared content type.
    static func checkBody(of event: InboundEvent, settings: WebhookConfig) -> WebhookRefusal? {
        switch BodyKind(mediaType: event.mediaType) {
        case .form:
            if pairCount(event.body) > settings.maxFormFields { return .tooManyFormFields(limit: settings.maxFormFields) }
        case .json:
            if !JSONBody.depthWithinLimit(event.body, limit: settings.maxDepth) { return .tooDeep(limit: settings.maxDepth) }
        default:
            break
        }
        return nil
    }

    /// The number of non-empty `&`-separated pairs, counted without splitting.
    static func pairCount(_ bytes: some Sequence<UInt8>) -> Int {
        var count = 0
        var inPair = false
        for byte in bytes {
            if byte == UInt8(ascii: "&") {
                inPair = false
            } else if !inPair {
                inPair = true
                count += 1
            }
        }
        return count
    }
}
