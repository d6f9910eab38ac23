import SwitchboardCore

/// What a caller's HMAC covers, written as a template: `{body}` (the default), `{timestamp}.{body}`,
/// `{method}{url}{body}`.
///
/// Placeholders: `{body}` the raw body, `{timestamp}` the timestamp header as received, `{method}` the HTTP method,
/// `{url}` the URL the caller used (`public_url` when set), `{path}` the request path without the query. Any other
/// text is signed as written; a `{` that starts no known placeholder is an error, so a typo cannot sign the wrong thing.
public struct SignedTemplate: Sendable, Equatable {
    /// A value filled in from the request.
    public enum Placeholder: String, Sendable, CaseIterable {
        /// The raw body.
        case body
        /// The timestamp header's text as received.
        case timestamp
        /// The HTTP method (`POST`, `PUT`).
        case method
        /// The URL the caller used (`public_url` when set).
        case url
        /// The request path, without the query.
        case path
    }

    /// One piece of the signed text.
    public enum Part: Sendable, Equatable {
        /// Bytes signed as written.
        case literal([UInt8])
        /// A value of the request.
        case placeholder(Placeholder)
    }

    /// Why a template was refused.
    public struct ParseError: Error, Sendable, Equatable {
        /// What is wrong, for the configuration issue.
        public var message: String
    }

    /// The pieces, in order.
    public var parts: [Part]

    /// The body alone, what most providers sign.
    public static let body = SignedTemplate(parts: [.placeholder(.body)])

    /// Holds these pieces.
    public init(parts: [Part]) {
        self.parts = parts
    }

    /// Parses a template such as `{timestamp}.{body}`.
    public init(parsing text: String) throws(ParseError) {
        let bytes = Array(text.utf8)
        var parts: [Part] = []
        var literal: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "{") else {
                literal.append(bytes[index])
                index += 1
                continue
            }
            guard let close = bytes[index...].firstIndex(of: UInt8(ascii: "}")) else {
                throw ParseError(message: "a '{' is not closed by '}'; placeholders are \(Self.placeholderList)")
            }
            let name = String(decoding: bytes[(index + 1)..<close], as: UTF8.self)
            guard let placeholder = Placeholder(rawValue: name) else {
                throw ParseError(message: "unknown placeholder '{\(name.prefix(40))}'; placeholders are \(Self.placeholderList)")
            }
            if !literal.isEmpty {
                parts.append(.literal(literal))
                literal.removeAll()
            }
            parts.append(.placeholder(placeholder))
            index = close + 1
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        guard !parts.isEmpty else { throw ParseError(message: "the signed template is empty; the default is {body}") }
        self.parts = parts
    }

    /// Every placeholder, as written in messages.
    static let placeholderList = Placeholder.allCases.map { "{\($0.rawValue)}" }.joined(separator: " ")

    /// Whether the template uses a placeholder.
    public func uses(_ placeholder: Placeholder) -> Bool {
        parts.contains(.placeholder(placeholder))
    }

    /// The bytes to sign, each placeholder replaced by `value(placeholder)`.
    public func render(_ value: (Placeholder) -> [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for part in parts {
            switch part {
            case .literal(let bytes): out += bytes
            case .placeholder(let placeholder): out += value(placeholder)
            }
        }
        return out
    }
}
