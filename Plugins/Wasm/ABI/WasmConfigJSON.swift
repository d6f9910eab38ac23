import SwitchboardCore

/// The `config:` block of a Wasm integration as the JSON `sb_init` receives: mappings become objects, lists
/// arrays; an unquoted `true`/`false` is a boolean, an unquoted decimal number a number, `null`/`~` null, and
/// everything else (quoted text, `${VAR}` values, dates) a string.
public enum WasmConfigJSON {
    /// The JSON form of `node`.
    public static func encode(_ node: ConfigNode) -> [UInt8] {
        var writer = WasmJSONWriter()
        write(node, to: &writer)
        return writer.bytes
    }

    private static func write(_ node: ConfigNode, to writer: inout WasmJSONWriter) {
        switch node.kind {
        case .null:
            writer.raw("null")
        case .mapping:
            writer.raw(UInt8(ascii: "{"))
            for (index, entry) in node.entries.enumerated() {
                if index > 0 { writer.raw(UInt8(ascii: ",")) }
                writer.string(entry.key)
                writer.raw(UInt8(ascii: ":"))
                write(entry.value, to: &writer)
            }
            writer.raw(UInt8(ascii: "}"))
        case .sequence:
            writer.raw(UInt8(ascii: "["))
            for (index, element) in node.elements.enumerated() {
                if index > 0 { writer.raw(UInt8(ascii: ",")) }
                write(element, to: &writer)
            }
            writer.raw(UInt8(ascii: "]"))
        case .scalar:
            let text = node.scalar ?? ""
            if node.isQuoted || node.isInterpolated {
                writer.string(text)
            } else if text == "true" || text == "false" || isNumber(text) {
                writer.literal(text)
            } else {
                writer.string(text)
            }
        }
    }

    /// A JSON number as YAML writes a decimal one: `-12`, `0.5`, `1e6`.
    static func isNumber(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        func digits() -> Int {
            let count = bytes.prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }.count
            bytes = bytes.dropFirst(count)
            return count
        }
        let whole = bytes.first == UInt8(ascii: "0") ? { bytes = bytes.dropFirst(); return 1 }() : digits()
        guard whole > 0 else { return false }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            guard digits() > 0 else { return false }
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return bytes.isEmpty
    }
}
