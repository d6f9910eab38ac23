import Foundation

/// What a plugin posts: the `body` option.
///
/// ```yaml
/// body: passthrough                          # the body as received (default)
/// body: { fields: [status, booking.amount] } # only these fields (dotted paths for JSON, names for forms)
/// ```
public enum BodySelector: Sendable, Equatable {
    /// The inbound body (or batch element) unchanged.
    case passthrough
    /// Only these fields.
    case fields([String])

    /// Reads the optional `body` option; nil (with issues reported) when it is wrong.
    public static func read(_ options: ConfigReader) -> BodySelector? {
        guard let node = options.value("body") else { return options.has("body") ? nil : .passthrough }
        if node.kind == .scalar {
            guard node.scalar == "passthrough" else {
                options.diagnostics.error("expected 'passthrough' or { fields: [...] }", at: node)
                return nil
            }
            return .passthrough
        }
        guard node.kind == .mapping else {
            options.diagnostics.error("expected 'passthrough' or { fields: [...] }, found a list", at: node)
            return nil
        }
        let reader = ConfigReader(node: node, diagnostics: options.diagnostics)
        defer { reader.finish() }
        return readFields(reader)
    }

    /// Reads `fields` from a `body` mapping: a non-empty list of non-empty names or dotted paths.
    public static func readFields(_ reader: ConfigReader) -> BodySelector? {
        guard let node = reader.value("fields", required: true), let fields = node.strings(reader.diagnostics) else { return nil }
        guard !fields.isEmpty else {
            reader.diagnostics.error("list at least one field", at: node)
            return nil
        }
        if fields.contains(where: { $0.isEmpty || $0.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) }) {
            reader.diagnostics.error("fields must be names or dotted paths without empty segments", at: node)
            return nil
        }
        return .fields(fields)
    }

    /// Whether the outbound body keeps the value `selector` reads (so PolyAI can find the id in the payload).
    public func carries(_ selector: EventIDSelector) -> Bool {
        guard selector.canTravelInBody else { return false }
        switch self {
        case .passthrough: return true
        case .fields(let fields): return fields.contains(selector.path)
        }
    }

    /// The JSON bytes of `document` reduced to the selected paths (the whole document re-encoded for passthrough).
    public func json(from document: Any) -> [UInt8] {
        switch self {
        case .passthrough:
            return JSONBody.encode(document)
        case .fields(let paths):
            return JSONBody.encode(Self.pick(paths, from: document))
        }
    }

    /// A form body with only the selected fields, in the order they arrived (all of them for passthrough).
    public func form(from pairs: [Header]) -> [UInt8] {
        let kept: [Header]
        switch self {
        case .passthrough: kept = pairs
        case .fields(let names): kept = pairs.filter { names.contains($0.name) }
        }
        return Array(kept.map { PercentEncoding.encode($0.name) + "=" + PercentEncoding.encode($0.value) }.joined(separator: "&").utf8)
    }

    /// The outbound body and content type for a JSON event: the inbound bytes (content type mapped, JSON when
    /// unknown) for passthrough or when `document` was not parsed, otherwise the selected fields of `document`.
    public func outboundJSON(for event: InboundEvent, document: Any?) -> (body: [UInt8], contentType: String) {
        guard case .fields = self, let document else {
            return (event.body, BodyKind.outboundContentType(for: event.contentType, fallback: .json))
        }
        return (json(from: document), BodyKind.json.contentType)
    }

    /// The outbound body and content type for a form event: the inbound bytes (content type mapped, form when
    /// unknown) for passthrough, otherwise a form of the selected fields of `pairs`.
    public func outboundForm(for event: InboundEvent, pairs: [Header]) -> (body: [UInt8], contentType: String) {
        guard case .fields = self else {
            return (event.body, BodyKind.outboundContentType(for: event.contentType, fallback: .form))
        }
        return (form(from: pairs), BodyKind.form.contentType)
    }

    /// An object holding only the values at `paths` of `document`, at the same paths.
    public static func pick(_ paths: [String], from document: Any) -> [String: Any] {
        var selected: [String: Any] = [:]
        for path in paths {
            if let value = JSONBody.value(at: path, in: document) {
                insert(value, at: path.split(separator: ".").map(String.init)[...], into: &selected)
            }
        }
        return selected
    }

    /// Puts `value` at a path, creating objects on the way.
    private static func insert(_ value: Any, at segments: ArraySlice<String>, into object: inout [String: Any]) {
        guard let first = segments.first else { return }
        if segments.count == 1 {
            object[first] = value
            return
        }
        var child = object[first] as? [String: Any] ?? [:]
        insert(value, at: segments.dropFirst(), into: &child)
        object[first] = child
    }
}
