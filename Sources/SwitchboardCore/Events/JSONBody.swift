import Foundation

/// Reads JSON bodies defensively: a nesting limit checked before parsing, dotted-path look-ups.
public enum JSONBody {
    /// The deepest nesting accepted; deeper documents are refused before the parser sees them.
    public static let maxDepth = 64

    /// Parses a JSON document (object, array or scalar).
    public static func parse(_ body: [UInt8]) throws(MappingFailure) -> Any {
        guard !body.isEmpty else { throw .badPayload("empty body where JSON was expected") }
        guard depthWithinLimit(body) else { throw .badPayload("JSON nested deeper than \(maxDepth) levels") }
        do {
            return try JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
        } catch {
            throw .badPayload("body is not valid JSON")
        }
    }

    /// The value at a dotted path (`data.object.metadata.cid`; numeric segments index arrays).
    public static func value(at path: String, in document: Any) -> Any? {
        var current: Any = document
        for segment in path.split(separator: ".", omittingEmptySubsequences: false) {
            if let object = current as? [String: Any], let next = object[String(segment)] {
                current = next
            } else if let array = current as? [Any], let index = Int(segment), array.indices.contains(index) {
                current = array[index]
            } else {
                return nil
            }
        }
        return current
    }

    /// The value at a dotted path as text: strings as they are, numbers and booleans printed; nil for
    /// objects, arrays, null and empty strings.
    public static func string(at path: String, in document: Any) -> String? {
        guard let value = value(at: path, in: document) else { return nil }
        return scalarText(value)
    }

    /// A JSON scalar as text.
    public static func scalarText(_ value: Any) -> String? {
        switch value {
        case let text as String:
            return text.isEmpty ? nil : text
        case let number as NSNumber:
            if isBoolean(number) { return number.boolValue ? "true" : "false" }
            return number.stringValue
        default:
            return nil
        }
    }

    /// Serializes a value back to compact JSON bytes.
    public static func encode(_ value: Any) -> [UInt8] {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes]) else { return [] }
        return [UInt8](data)
    }

    /// Counts bracket nesting outside strings.
    static func depthWithinLimit(_ body: [UInt8]) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in body {
            if inString {
                if escaped { escaped = false } else if byte == 92 { escaped = true } else if byte == 34 { inString = false }
                continue
            }
            switch byte {
            case 34: inString = true
            case 91, 123:
                depth += 1
                if depth > maxDepth { return false }
            case 93, 125: depth -= 1
            default: break
            }
        }
        return true
    }

    /// Whether an NSNumber holds a boolean (Foundation on Linux has no CFBoolean type check).
    private static func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }
}
