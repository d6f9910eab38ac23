import Foundation
import Hummingbird

/// Small JSON helpers for answers: quoting strings and building `{"error_message": ...}` bodies.
enum JSONText {
    /// `text` as a JSON string literal, quotes included.
    static func quote(_ text: String) -> String {
        var quoted = "\""
        quoted.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            case "<": quoted += "\\u003c"  // keeps the body inert if a browser ever renders it
            default:
                if scalar.value < 0x20 {
                    quoted += String(format: "\\u%04x", scalar.value)
                } else {
                    quoted.unicodeScalars.append(scalar)
                }
            }
        }
        quoted += "\""
        return quoted
    }

    /// The `{"error_message": ...}` body PolyAI sends with a refusal.
    static func errorBody(_ message: String) -> String {
        "{\"error_message\": \(quote(message))}"
    }

    /// An encoder for inspection answers: stable key order, readable.
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// A short, user-facing reason for a JSON decoding failure.
    static func describe(_ error: any Error) -> String {
        guard let decodingError = error as? DecodingError else {
            return "the body is not valid JSON"
        }
        func place(_ path: [any CodingKey]) -> String {
            let joined = path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return joined.isEmpty ? "the body" : "field \(joined)"
        }
        switch decodingError {
        case .typeMismatch(let type, let context):
            return "\(place(context.codingPath)) must be \(describe(type))"
        case .valueNotFound(let type, let context):
            return "\(place(context.codingPath)) must be \(describe(type)), not null"
        case .keyNotFound(let key, _):
            return "field \(key.stringValue) is missing"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "the body is not valid JSON" : "\(place(context.codingPath)) is not valid"
        @unknown default:
            return "the body is not valid JSON"
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Double.Type, is Int.Type: "a number"
        case is Bool.Type: "true or false"
        case is String.Type: "a string"
        default: "a JSON object"
        }
    }
}
