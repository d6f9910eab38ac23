/// The structure of a body, as far as PolyAI's four accepted content types go.
public enum BodyKind: String, Sendable, CaseIterable {
    /// `application/json` (and `application/*+json`).
    case json
    /// `application/x-www-form-urlencoded`.
    case form
    /// `application/xml` (and `text/xml`, `application/*+xml`).
    case xml
    /// `text/plain` and anything else.
    case text

    /// The kind of a media type (without parameters, any case); nil when it is none of the structured ones.
    public init?(mediaType: String?) {
        guard let mediaType else { return nil }
        let type = mediaType.lowercased()
        if type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json")) {
            self = .json
        } else if type == "application/x-www-form-urlencoded" {
            self = .form
        } else if type == "application/xml" || type == "text/xml" || (type.hasPrefix("application/") && type.hasSuffix("+xml")) {
            self = .xml
        } else if type == "text/plain" {
            self = .text
        } else {
            return nil
        }
    }

    /// The content type PolyAI accepts for this kind.
    public var contentType: String {
        switch self {
        case .json: "application/json"
        case .form: "application/x-www-form-urlencoded"
        case .xml: "application/xml"
        case .text: "text/plain"
        }
    }

    /// The outbound content type for a body passed on unchanged: the inbound `Content-Type` mapped onto one of
    /// PolyAI's four (`text/xml` → `application/xml`, other `text/*` → `text/plain`), its parameters kept;
    /// `fallback` when the inbound one is missing or unknown.
    public static func outboundContentType(for inbound: String?, fallback: BodyKind) -> String {
        guard let inbound else { return fallback.contentType }
        let parts = inbound.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
        let media = (parts.first.map(String.init) ?? "").trimmingWhitespace().lowercased()
        let parameters = parts.count > 1 ? ";" + parts[1] : ""
        if let kind = BodyKind(mediaType: media) {
            return kind.contentType + parameters
        }
        if media.hasPrefix("text/") {
            return BodyKind.text.contentType + parameters
        }
        return fallback.contentType
    }
}
