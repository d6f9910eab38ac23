import Foundation

/// Where the external event id sits in a webhook request (`event_id_location`).
enum EventIDLocation: String, Sendable {
    case headers
    case querystring
    case payload
}

/// The body formats the External Events API accepts.
enum ContentKind: Sendable {
    case json
    case form
    case xml
    case text

    /// The accepted media types, as listed in error messages.
    static let acceptedList = "application/json, application/x-www-form-urlencoded, application/xml or text/plain"

    /// Reads a `Content-Type` value; parameters such as `charset` are ignored. Nil when not accepted.
    init?(contentType: String) {
        switch Self.mediaType(of: contentType) {
        case "application/json": self = .json
        case "application/x-www-form-urlencoded": self = .form
        case "application/xml": self = .xml
        case "text/plain": self = .text
        default: return nil
        }
    }

    /// The media type alone, lowercased, without parameters.
    static func mediaType(of contentType: String) -> String {
        let type = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return type.trimmingCharacters(in: .whitespaces).lowercased()
    }
}

/// The four required query parameters of `POST /v1/external-events/webhook`, checked.
struct WebhookQuery: Sendable {
    /// Where the id is.
    let location: EventIDLocation
    /// The name or dotted path of the id at that location.
    let path: String
    /// The workspace id (`account_id`).
    let accountID: String
    /// The agent id (`project_id`).
    let projectID: String
    /// The raw query string, for ids carried in it.
    let rawQuery: Substring

    private static let required = ["event_id_location", "event_id_path", "account_id", "project_id"]

    /// Checks the query string; a missing or unusable parameter is a `400` naming it.
    static func parse(_ query: String?) -> Result<WebhookQuery, WebhookRejection> {
        let rawQuery = Substring(query ?? "")
        var values: [String: String] = [:]
        for (name, value) in FormFields.all(in: rawQuery) where Self.required.contains(name) && values[name] == nil {
            values[name] = value
        }
        let missing = Self.required.filter { values[$0] == nil }
        guard missing.isEmpty else {
            return .failure(.missingParameters(missing))
        }
        for name in Self.required where values[name, default: ""].isEmpty {
            return .failure(.invalidParameter(name, "must not be empty"))
        }
        let locationText = values["event_id_location", default: ""]
        guard let location = EventIDLocation(rawValue: locationText) else {
            return .failure(.invalidParameter("event_id_location", "expected headers, querystring or payload"))
        }
        let path = values["event_id_path", default: ""]
        if location == .payload, path.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
            return .failure(.invalidParameter("event_id_path", "a dotted path must not have empty segments"))
        }
        return .success(
            WebhookQuery(
                location: location,
                path: path,
                accountID: values["account_id", default: ""],
                projectID: values["project_id", default: ""],
                rawQuery: rawQuery
            ))
    }
}
