internal import SwitchboardXML

/// Finds the text of the element at a dotted path of element names (`order.payment.cid`) in XML.
///
/// The path may start at the root element (`event.cid` in `<event><cid>..</cid></event>`) or just below
/// it (`cid`). Names match with or without a namespace prefix. The first matching element, in document order,
/// with non-empty text wins; its own text (CDATA included) is entity-decoded and trimmed. The document is read
/// by `SwitchboardXML` (libxml2 behind a linear pre-scan): a document it refuses — malformed, a DTD, an entity
/// other than the predefined and numeric ones, not UTF-8, over its limits — yields nil.
enum XMLPathFinder {
    /// The text of the first element at `path` in `xml`, or nil; `maxBytes` bounds the document.
    static func value(at path: [Substring], in xml: String, maxBytes: Int) -> String? {
        guard !path.isEmpty, let root = try? XMLReader.read(Array(xml.utf8), limits: XMLLimits(maxBytes: maxBytes)) else {
            return nil
        }
        var names: [String] = []
        return firstText(at: path, in: root, names: &names)
    }

    /// The first match at or below `element`, whose ancestors' names are `names`, in document order. A matching
    /// element is not searched inside, as the sandbox's reader always did.
    private static func firstText(at path: [Substring], in element: XMLReader.Element, names: inout [String]) -> String? {
        names.append(element.name)
        defer { names.removeLast() }
        if matches(names, path) {
            let text = trimmed(element.text)
            return text.isEmpty ? nil : text
        }
        // A match is `path.count` deep (from the root) or one deeper (below it): nothing further down can match.
        guard names.count <= path.count else {
            return nil
        }
        for child in element.children {
            if let found = firstText(at: path, in: child, names: &names) {
                return found
            }
        }
        return nil
    }

    /// True when the open elements are the path, from the root or from just below it.
    private static func matches(_ names: [String], _ path: [Substring]) -> Bool {
        if names.count == path.count {
            return zip(names, path).allSatisfy(same)
        }
        return names.count == path.count + 1 && zip(names.dropFirst(), path).allSatisfy(same)
    }

    /// A name matches a path segment written with or without its prefix.
    private static func same(_ name: String, _ wanted: Substring) -> Bool {
        if name[...] == wanted {
            return true
        }
        guard let colon = name.firstIndex(of: ":") else {
            return false
        }
        return name[name.index(after: colon)...] == wanted
    }

    /// The text without leading and trailing spaces, tabs and line breaks.
    private static func trimmed(_ text: String) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(text[first...last])
    }
}
