import SwitchboardCore

/// A small template for the outbound body: literal text with `{{dotted.path}}` placeholders filled from the
/// inbound body.
///
/// ```yaml
/// body: { template: '{"status":"{{status}}","cid":"{{cid}}"}', content_type: application/json }
/// ```
/// Values are escaped for the content type (JSON string escapes, XML entities, form percent-encoding); a missing
/// value is empty; an object or array is written as compact JSON.
public struct BodyTemplate: Sendable, Equatable {
    /// One piece of a template.
    public enum Part: Sendable, Equatable {
        /// Text copied as written.
        case literal(String)
        /// The inbound value at this dotted path (or form field name).
        case value(String)
    }

    /// The pieces, in order.
    public var parts: [Part]
    /// The outbound content type (one of PolyAI's four).
    public var contentType: String

    /// Parses a template; throws a message naming what is wrong.
    public init(parsing text: String, contentType: String) throws(BodyTemplateError) {
        var parts: [Part] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { parts.append(.literal(String(rest[..<open.lowerBound]))) }
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "}}") else {
                throw BodyTemplateError(message: "a '{{' is not closed by '}}'")
            }
            let path = Self.trimmed(afterOpen[..<close.lowerBound])
            guard !path.isEmpty, !path.contains("{"),
                  !path.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) else {
                throw BodyTemplateError(message: "'{{\(afterOpen[..<close.lowerBound].prefix(40))}}' is not a name or dotted path")
            }
            parts.append(.value(path))
            rest = afterOpen[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.literal(String(rest))) }
        self.parts = parts
        self.contentType = contentType
    }

    /// The paths the template reads.
    public var paths: [String] {
        parts.compactMap { part in
            if case .value(let path) = part { return path }
            return nil
        }
    }

    /// The body, with each placeholder replaced by `lookup(path)` escaped for the content type.
    public func render(_ lookup: (String) -> String?) -> [UInt8] {
        let kind = BodyKind(mediaType: contentType.split(separator: ";").first.map { Self.trimmed($0).lowercased() }) ?? .text
        var out = ""
        for part in parts {
            switch part {
            case .literal(let text):
                out += text
            case .value(let path):
                guard let value = lookup(path) else { continue }
                switch kind {
                case .json: out += TextEscaping.json(value)
                case .xml: out += TextEscaping.xml(value)
                case .form: out += PercentEncoding.encode(value)
                case .text: out += value
                }
            }
        }
        return Array(out.utf8)
    }

    private static func trimmed(_ text: Substring) -> String {
        var text = text
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }
}

/// Why a template could not be parsed.
public struct BodyTemplateError: Error, Sendable {
    /// What is wrong, for the configuration issue.
    public var message: String
}
