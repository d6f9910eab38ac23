import Hummingbird

/// Why the External Events endpoint refused a request: the status and the `error_message` PolyAI would send.
struct WebhookRejection: Error, Sendable, Equatable {
    /// The HTTP status of the answer.
    let status: HTTPResponse.Status
    /// The text of `{"error_message": ...}`.
    let message: String

    static let missingKey = WebhookRejection(
        status: .unauthorized, message: "Missing API key: send it in the X-Api-Key header")
    static let unknownKey = WebhookRejection(status: .unauthorized, message: "Invalid API key")
    static let expiredKey = WebhookRejection(status: .unauthorized, message: "API key expired")
    static let missingPermission = WebhookRejection(
        status: .forbidden, message: "API key does not have the external_events permission")

    static func otherAccount(_ accountID: String) -> WebhookRejection {
        WebhookRejection(status: .forbidden, message: "API key does not belong to account \(accountID)")
    }

    static func projectNotAllowed(_ projectID: String) -> WebhookRejection {
        WebhookRejection(status: .forbidden, message: "API key is not allowed for project \(projectID)")
    }

    static func missingParameters(_ names: [String]) -> WebhookRejection {
        let noun = names.count == 1 ? "parameter" : "parameters"
        return WebhookRejection(
            status: .badRequest, message: "Missing query \(noun): \(names.joined(separator: ", "))")
    }

    static func invalidParameter(_ name: String, _ reason: String) -> WebhookRejection {
        WebhookRejection(status: .badRequest, message: "Invalid query parameter \(name): \(reason)")
    }

    static let idNotFound = WebhookRejection(
        status: .badRequest, message: "External event id not found in request")
    static let idNotValid = WebhookRejection(status: .badRequest, message: "External event id not valid")

    static let missingContentType = WebhookRejection(
        status: .unsupportedMediaType,
        message: "Missing Content-Type: use \(ContentKind.acceptedList)")

    static func unsupportedContentType(_ mediaType: String) -> WebhookRejection {
        WebhookRejection(
            status: .unsupportedMediaType,
            message: "Unsupported Content-Type \(mediaType): use \(ContentKind.acceptedList)")
    }

    static func bodyTooLarge(limit: Int) -> WebhookRejection {
        WebhookRejection(status: .contentTooLarge, message: "Request body larger than \(limit) bytes")
    }

    static let serverError = WebhookRejection(status: .internalServerError, message: "Internal server error")
    static let throttled = WebhookRejection(status: .tooManyRequests, message: "Too many requests")
}
