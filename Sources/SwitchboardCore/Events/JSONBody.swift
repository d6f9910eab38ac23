import Foundation

/// Reads JSON bodies defensively: a nesting limit checked before parsing, dotted-path look-ups.
public enum JSONBody {
    /// The deepest nesting accepted; deeper documents are refused before the parser sees them.
    public static let maxDepth = 64

    /// Parses a JSON document (object, array or scalar). JSON between systems is UTF-8 (RFC 8259 §8.1): a body in
    /// another encoding (UTF-16 or UTF-32, with or without a byte order mark) is refused; a UTF-8 BOM is skipped.
    public static func parse(_ body: [UInt8]) throws(MappingFailure) -> Any {
        let text = body.starts(with: utf8BOM) ? body[3...] : body[...]
        guard !text.isEmpty else { throw .badPayload("empty body where JSON was expected") }
        if let encoding = foreignEncoding(text) {
            throw .badPayload("JSON body is \(encoding), not UTF-8 (RFC 8259): send it as UTF-8")
        }
        guard String(validating: text, as: UTF8.self) != nil else {
            throw .badPayload("JSON body is not valid UTF-8 (RFC 8259)")
        }
        guard depthWithinLimit(text) else { throw .badPayload("JSON nested deeper than \(maxDepth) levels") }
        do {
            return try JSONSerialization.jsonObject(with: Data(text), options: [.fragmentsAllowed])
        } catch {
            throw .badPayload("body is not valid JSON")
        }
    }

    private static let utf8BOM: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The encoding a body is in when it is recognisably UTF-16 or UTF-32 (by byte order mark, or by the zero bytes
    /// around the first ASCII character, RFC 4627 §3); nil otherwise.
    static func foreignEncoding(_ text: ArraySlice<UInt8>) -> String? {
        let head = Array(text.prefix(4))
        if head.starts(with: [0x00, 0x00, 0xFE, 0xFF]) || head.starts(with: [0xFF, 0xFE, 0x00, 0x00]) { return "UTF-32" }
        if head.starts(with: [0xFE, 0xFF]) || head.starts(with: [0xFF, 0xFE]) { return "UTF-16" }
        if head.count >= 4, head[0] == 0, head[1] == 0, head[2] == 0 { return "UTF-32" }
        if head.count >= 4, head[1] == 0, head[2] == 0, head[3] == 0 { return "UTF-32" }
        if head.count >= 2, head[0] == 0 || head[1] == 0 { return "UTF-16" }
        return nil
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
    static func depthWithinLimit(_ body: some Collection<UInt8>) -> Bool {
        depthWithinLimit(body, limit: maxDepth)
    }

    /// Whether brackets outside strings nest at most `limit` deep (one linear pass, no parse).
    ///
    /// Inlinable so that callers in other modules (the webhook listener checks every JSON body) get it specialized
    /// for their collection: unspecialized, its generic iteration cost 28 % of a listener thread.
    @inlinable
    public static func depthWithinLimit(_ body: some Collection<UInt8>, limit: Int) -> Bool {
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
                if depth > limit { return false }
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
