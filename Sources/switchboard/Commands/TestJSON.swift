import Foundation
import SwitchboardCore

/// A JSON value as `switchboard test` compares it: an event's body, or the `body_json` a test expects of it.
indirect enum TestJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([TestJSON])
    case object([String: TestJSON])

    /// The value of a JSON text; nil when it is not JSON.
    static func parse(_ bytes: [UInt8]) -> TestJSON? {
        try? JSONDecoder().decode(TestJSON.self, from: Data(bytes))
    }

    /// The value a YAML node stands for: mappings are objects, lists arrays; an unquoted `4`, `true` or `~` is a
    /// number, boolean or null, anything quoted is a string. Nil (with an issue) for a key repeated in one mapping.
    static func from(_ node: ConfigNode, _ diagnostics: ConfigDiagnostics) -> TestJSON? {
        switch node.kind {
        case .null:
            return .null
        case .scalar:
            let text = node.scalar ?? ""
            if node.isQuoted { return .string(text) }
            if text == "true" { return .bool(true) }
            if text == "false" { return .bool(false) }
            if let number = Double(text), number.isFinite, text.first.map({ $0.isNumber || $0 == "-" }) == true { return .number(number) }
            return .string(text)
        case .sequence:
            var elements: [TestJSON] = []
            for element in node.elements {
                guard let value = from(element, diagnostics) else { return nil }
                elements.append(value)
            }
            return .array(elements)
        case .mapping:
            var members: [String: TestJSON] = [:]
            for entry in node.entries {
                guard members[entry.key] == nil else {
                    diagnostics.error("key '\(entry.key)' appears twice", path: entry.value.path, position: entry.keyPosition)
                    return nil
                }
                guard let value = from(entry.value, diagnostics) else { return nil }
                members[entry.key] = value
            }
            return .object(members)
        }
    }

    /// Where `actual` differs from this expected subset: objects match when every expected key matches (others may
    /// be present), arrays element by element with the same length, other values when equal. Paths start at `path`.
    func mismatches(in actual: TestJSON, at path: String) -> [String] {
        switch (self, actual) {
        case (.object(let expected), .object(let members)):
            var found: [String] = []
            for key in expected.keys.sorted() {
                let here = TestJSON.path(path, key)
                guard let member = members[key] else {
                    found.append("\(here): expected \(expected[key]!.compact), missing")
                    continue
                }
                found += expected[key]!.mismatches(in: member, at: here)
            }
            return found
        case (.array(let expected), .array(let elements)):
            guard expected.count == elements.count else {
                return ["\(path): expected \(expected.count) element\(expected.count == 1 ? "" : "s"), got \(elements.count): \(actual.compact)"]
            }
            return zip(expected, elements).enumerated().flatMap { index, pair in pair.0.mismatches(in: pair.1, at: "\(path)[\(index)]") }
        default:
            return self == actual ? [] : ["\(path): expected \(compact), got \(actual.compact)"]
        }
    }

    /// One line of JSON, sorted keys, shortened past 200 characters.
    var compact: String {
        let text = rendered(indent: nil, level: 0)
        return text.count > 200 ? String(text.prefix(197)) + "..." : text
    }

    /// Indented JSON with sorted keys, for reading in a terminal.
    var pretty: String { rendered(indent: "  ", level: 0) }

    private func rendered(indent: String?, level: Int) -> String {
        let newline = indent == nil ? "" : "\n"
        let pad = { (depth: Int) in String(repeating: indent ?? "", count: depth) }
        let separator = indent == nil ? ", " : ","
        let colon = ": "
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .number(let value):
            if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
            return String(value)
        case .string(let value): return "\"" + TextEscaping.json(value) + "\""
        case .array(let elements):
            guard !elements.isEmpty else { return "[]" }
            let inner = elements.map { pad(level + 1) + $0.rendered(indent: indent, level: level + 1) }
            return "[" + newline + inner.joined(separator: separator + newline) + newline + pad(level) + "]"
        case .object(let members):
            guard !members.isEmpty else { return "{}" }
            let inner = members.keys.sorted().map { key in
                pad(level + 1) + "\"" + TextEscaping.json(key) + "\"" + colon + members[key]!.rendered(indent: indent, level: level + 1)
            }
            return "{" + newline + inner.joined(separator: separator + newline) + newline + pad(level) + "}"
        }
    }

    private static func path(_ parent: String, _ key: String) -> String {
        let plain = !key.isEmpty && key.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
        return plain ? parent + "." + key : parent + "[\"" + TextEscaping.json(key) + "\"]"
    }
}

extension TestJSON: Decodable {
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([TestJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: TestJSON].self))
        }
    }
}
