/// One linear walk over a document before libxml2 sees it: enforces `XMLLimits`, refuses DTDs, unknown entities
/// and anything not UTF-8, and checks the markup's shape (tags, quotes, comments, CDATA, processing instructions).
///
/// Why the shape too: libxml2 must find markup exactly where this walk found it, or an element the walk never
/// counted could reach libxml2's quadratic attribute check. Every byte is a valid XML character (checked first),
/// so comments, CDATA sections and processing instructions end where both readers look for their terminator;
/// start tags, end tags and attribute values hold no `<`; so after any error libxml2 resumes at most as text up
/// to the next `<`, where this walk also was. What the walk accepts, libxml2 can only see as less.
struct XMLPreScan {
    let bytes: UnsafeBufferPointer<UInt8>
    let limits: XMLLimits
    /// Where the document starts: after a UTF-8 byte order mark, if any.
    let start: Int
    var index: Int
    /// The open elements, innermost last: where each name is, and how many namespaces it declares.
    var open: [(name: Range<Int>, namespaces: Int)] = []
    var elements = 0
    var namespacesInScope = 0
    var sawRoot = false

    /// Checks `bytes` and returns where libxml2 should start reading (after a byte order mark).
    static func check(_ bytes: UnsafeBufferPointer<UInt8>, limits: XMLLimits) throws(XMLReadError) -> Int {
        var scan = try XMLPreScan(bytes: bytes, limits: limits)
        try scan.run()
        return scan.start
    }

    private init(bytes: UnsafeBufferPointer<UInt8>, limits: XMLLimits) throws(XMLReadError) {
        self.bytes = bytes
        self.limits = limits
        if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) {
            throw XMLReadError(.notAccepted, "the document is UTF-16 (byte order mark); only UTF-8 is accepted", offset: 0, line: 1)
        }
        start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        index = start
    }

    private mutating func run() throws(XMLReadError) {
        try checkCharacters()
        if starts(with: "<?xml"), index + 5 < bytes.count, isSpace(bytes[index + 5]) {
            try scanDeclaration()
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "<") {
                try scanMarkup()
            } else if open.isEmpty {
                guard isSpace(byte) else {
                    throw malformed(sawRoot ? "content after the root element" : "expected the root element, found text")
                }
                index += 1
            } else if byte == UInt8(ascii: "&") {
                index = try reference(at: index)
            } else {
                index += 1
            }
        }
        if let innermost = open.last {
            throw malformed("element <\(shown(innermost.name))> is not closed")
        }
        guard sawRoot else { throw malformed(index == start ? "the document is empty: expected the root element" : "expected the root element") }
    }

    /// Whatever starts with `<` at `index`.
    private mutating func scanMarkup() throws(XMLReadError) {
        if starts(with: "<?") {
            try scanInstruction()
        } else if starts(with: "<!--") {
            index = try position(after: "-->", from: index + 4, what: "comment")
        } else if starts(with: "<![CDATA[") {
            guard !open.isEmpty else { throw malformed("CDATA outside the root element") }
            index = try position(after: "]]>", from: index + 9, what: "CDATA section")
        } else if starts(with: "<!DOCTYPE") {
            throw refused("document type declarations (<!DOCTYPE) are not accepted")
        } else if starts(with: "<!ENTITY") {
            throw refused("entity declarations (<!ENTITY) are not accepted")
        } else if starts(with: "<!") {
            throw refused("declarations (<!…) are not accepted")
        } else if starts(with: "</") {
            try scanEndTag()
        } else {
            try scanStartTag()
        }
    }

    private mutating func scanStartTag() throws(XMLReadError) {
        if open.isEmpty, sawRoot { throw malformed("content after the root element") }
        elements += 1
        guard elements <= limits.maxElements else { throw limit("more than \(limits.maxElements) elements") }
        guard open.count < limits.maxDepth else { throw limit("elements nested deeper than \(limits.maxDepth) levels") }
        let nameStop = try nameEnd(from: index + 1, what: "an element name after '<'")
        let name = index + 1..<nameStop
        var position = name.upperBound
        var attributes = 0
        var namespaces = 0
        while true {
            let next = skipSpaces(from: position)
            guard next < bytes.count else { throw malformed("start tag <\(shown(name))> is not closed", at: next) }
            if bytes[next] == UInt8(ascii: ">") {
                open.append((name, namespaces))
                namespacesInScope += namespaces
                sawRoot = true
                index = next + 1
                return
            }
            if bytes[next] == UInt8(ascii: "/") {
                guard next + 1 < bytes.count, bytes[next + 1] == UInt8(ascii: ">") else {
                    throw malformed("expected '/>' in <\(shown(name))>", at: next)
                }
                sawRoot = true
                index = next + 2
                return
            }
            guard next > position else { throw malformed("expected a space, '>' or '/>' in <\(shown(name))>", at: next) }
            attributes += 1
            guard attributes <= limits.maxAttributesPerElement else {
                throw limit("element <\(shown(name))> has more than \(limits.maxAttributesPerElement) attributes", at: next)
            }
            let attributeEnd = try nameEnd(from: next, what: "an attribute name in <\(shown(name))>")
            let attribute = next..<attributeEnd
            if isNamespaceDeclaration(attribute) {
                namespaces += 1
                guard namespacesInScope + namespaces <= limits.maxNamespacesInScope else {
                    throw limit("more than \(limits.maxNamespacesInScope) namespace declarations in scope", at: next)
                }
            }
            position = skipSpaces(from: attribute.upperBound)
            guard position < bytes.count, bytes[position] == UInt8(ascii: "=") else {
                throw malformed("expected '=' after attribute \(shown(attribute))", at: position)
            }
            position = skipSpaces(from: position + 1)
            position = try valueEnd(from: position, attribute: attribute)
        }
    }

    private mutating func scanEndTag() throws(XMLReadError) {
        let nameStop = try nameEnd(from: index + 2, what: "an element name after '</'")
        let name = index + 2..<nameStop
        let close = skipSpaces(from: name.upperBound)
        guard close < bytes.count, bytes[close] == UInt8(ascii: ">") else {
            throw malformed("expected '>' to end </\(shown(name))>", at: close)
        }
        guard let innermost = open.popLast() else {
            throw malformed(sawRoot ? "content after the root element" : "</\(shown(name))> closes no element")
        }
        guard bytes[name].elementsEqual(bytes[innermost.name]) else {
            throw malformed("</\(shown(name))> closes <\(shown(innermost.name))>")
        }
        namespacesInScope -= innermost.namespaces
        index = close + 1
    }

    /// Past the quoted attribute value that starts at `position`.
    private func valueEnd(from position: Int, attribute: Range<Int>) throws(XMLReadError) -> Int {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'") else {
            throw malformed("expected a quoted value for attribute \(shown(attribute))", at: position)
        }
        let quote = bytes[position]
        var cursor = position + 1
        while cursor < bytes.count {
            switch bytes[cursor] {
            case quote: return cursor + 1
            case UInt8(ascii: "<"): throw malformed("'<' in the value of attribute \(shown(attribute)) (write &lt;)", at: cursor)
            case UInt8(ascii: "&"): cursor = try reference(at: cursor)
            default: cursor += 1
            }
        }
        throw malformed("the value of attribute \(shown(attribute)) is not closed", at: cursor)
    }

    /// The end of the name starting at `from`; refuses an empty or over-long one.
    func nameEnd(from: Int, what: @autoclosure () -> String) throws(XMLReadError) -> Int {
        var end = from
        while end < bytes.count, !isNameDelimiter(bytes[end]) {
            end += 1
            guard end - from <= limits.maxNameBytes else {
                throw limit("a name is longer than \(limits.maxNameBytes) bytes: \(shown(from..<end))…", at: from)
            }
        }
        guard end > from else { throw malformed("expected \(what())", at: from) }
        return end
    }

    /// Whether the attribute named at `name` is `xmlns` or `xmlns:…`.
    private func isNamespaceDeclaration(_ name: Range<Int>) -> Bool {
        guard name.count >= 5, bytes[name.lowerBound] == UInt8(ascii: "x"),
              bytes[name.lowerBound..<(name.lowerBound + 5)].elementsEqual("xmlns".utf8) else { return false }
        return name.count == 5 || bytes[name.lowerBound + 5] == UInt8(ascii: ":")
    }

    private func isNameDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: "/"), UInt8(ascii: ">"), UInt8(ascii: "="), UInt8(ascii: "\""),
             UInt8(ascii: "'"), UInt8(ascii: "<"), UInt8(ascii: "&"):
            true
        default:
            false
        }
    }
}
