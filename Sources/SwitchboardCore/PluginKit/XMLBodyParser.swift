/// A small recursive-descent XML reader for `XMLBody`: elements, attributes, text, CDATA, comments and processing
/// instructions. A DOCTYPE is refused outright, so no entity can expand and no external resource is read.
struct XMLBodyParser {
    private let bytes: [UInt8]
    private var index = 0
    private var elementCount = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The root element of the document.
    mutating func parseDocument() throws(XMLSyntaxError) -> XMLBody.Element {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        try skipMisc()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "<") else { throw fail("expected the root element") }
        let root = try parseElement(depth: 1)
        try skipMisc()
        guard index == bytes.count else { throw fail("content after the root element") }
        return root
    }

    // MARK: - Structure

    /// Skips whitespace, comments and processing instructions between top-level items; refuses a DOCTYPE.
    private mutating func skipMisc() throws(XMLSyntaxError) {
        while index < bytes.count {
            if isSpace(bytes[index]) {
                index += 1
            } else if starts(with: "<?") {
                try skip(past: "?>", what: "processing instruction")
            } else if starts(with: "<!--") {
                try skip(past: "-->", what: "comment")
            } else if starts(with: "<!") {
                throw fail("document type declarations are not accepted")
            } else {
                return
            }
        }
    }

    private mutating func parseElement(depth: Int) throws(XMLSyntaxError) -> XMLBody.Element {
        guard depth <= XMLBody.maxDepth else { throw fail("elements nested deeper than \(XMLBody.maxDepth) levels") }
        elementCount += 1
        guard elementCount <= XMLBody.maxElements else { throw fail("more than \(XMLBody.maxElements) elements") }
        index += 1 // "<"
        let name = try parseName()
        var element = XMLBody.Element(name: name)
        while true {
            skipSpaces()
            guard index < bytes.count else { throw fail("unterminated start tag <\(shown(name))>") }
            if bytes[index] == UInt8(ascii: "/") {
                guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ">") else { throw fail("expected '/>'") }
                index += 2
                return element
            }
            if bytes[index] == UInt8(ascii: ">") {
                index += 1
                break
            }
            let attributeName = try parseName()
            skipSpaces()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { throw fail("expected '=' after attribute \(shown(attributeName))") }
            index += 1
            skipSpaces()
            let value = try parseQuoted()
            guard !element.attributes.contains(where: { $0.name == attributeName }) else {
                throw fail("attribute \(shown(attributeName)) repeated")
            }
            element.attributes.append(Header(attributeName, value))
        }
        var text: [UInt8] = []
        while true {
            guard index < bytes.count else { throw fail("element <\(shown(name))> is not closed") }
            let byte = bytes[index]
            if byte != UInt8(ascii: "<") {
                try appendCharacterData(to: &text)
            } else if starts(with: "</") {
                index += 2
                let closing = try parseName()
                guard closing == name else { throw fail("</\(shown(closing))> closes <\(shown(name))>") }
                skipSpaces()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else { throw fail("expected '>' after </\(shown(name))") }
                index += 1
                element.text = String(decoding: text, as: UTF8.self)
                return element
            } else if starts(with: "<![CDATA[") {
                index += 9
                let start = index
                try skip(past: "]]>", what: "CDATA section")
                text.append(contentsOf: bytes[start..<(index - 3)])
            } else if starts(with: "<!--") {
                try skip(past: "-->", what: "comment")
            } else if starts(with: "<?") {
                try skip(past: "?>", what: "processing instruction")
            } else if starts(with: "<!") {
                throw fail("declarations are not accepted inside elements")
            } else {
                element.children.append(try parseElement(depth: depth + 1))
            }
        }
    }

    // MARK: - Pieces

    private mutating func parseName() throws(XMLSyntaxError) -> String {
        let start = index
        while index < bytes.count, isNameByte(bytes[index]) { index += 1 }
        guard index > start else { throw fail("expected a name") }
        let first = bytes[start]
        guard !(first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")), first != UInt8(ascii: "-"), first != UInt8(ascii: ".") else {
            throw fail("a name cannot start with '\(Character(Unicode.Scalar(first)))'")
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func parseQuoted() throws(XMLSyntaxError) -> String {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
            throw fail("expected a quoted attribute value")
        }
        let quote = bytes[index]
        index += 1
        var value: [UInt8] = []
        while true {
            guard index < bytes.count else { throw fail("unterminated attribute value") }
            let byte = bytes[index]
            if byte == quote {
                index += 1
                return String(decoding: value, as: UTF8.self)
            }
            if byte == UInt8(ascii: "<") { throw fail("'<' inside an attribute value") }
            if byte == UInt8(ascii: "&") {
                try appendReference(to: &value)
            } else {
                value.append(byte)
                index += 1
            }
        }
    }

    /// Appends text up to the next `<`, decoding references.
    private mutating func appendCharacterData(to text: inout [UInt8]) throws(XMLSyntaxError) {
        while index < bytes.count, bytes[index] != UInt8(ascii: "<") {
            if bytes[index] == UInt8(ascii: "&") {
                try appendReference(to: &text)
            } else {
                text.append(bytes[index])
                index += 1
            }
        }
    }

    /// Decodes `&name;` (the five predefined entities) or `&#NN;` / `&#xHH;` at `index`.
    private mutating func appendReference(to out: inout [UInt8]) throws(XMLSyntaxError) {
        let start = index
        index += 1
        while index < bytes.count, bytes[index] != UInt8(ascii: ";"), index - start <= 12 { index += 1 }
        guard index < bytes.count, bytes[index] == UInt8(ascii: ";") else { throw fail("unterminated '&' reference (write &amp;)") }
        let name = String(decoding: bytes[(start + 1)..<index], as: UTF8.self)
        index += 1
        switch name {
        case "lt": out.append(UInt8(ascii: "<"))
        case "gt": out.append(UInt8(ascii: ">"))
        case "amp": out.append(UInt8(ascii: "&"))
        case "quot": out.append(UInt8(ascii: "\""))
        case "apos": out.append(UInt8(ascii: "'"))
        default:
            var code: UInt32?
            if name.hasPrefix("#x") || name.hasPrefix("#X") {
                code = UInt32(name.dropFirst(2), radix: 16)
            } else if name.hasPrefix("#") {
                code = UInt32(name.dropFirst(), radix: 10)
            }
            guard let code, code != 0, let scalar = Unicode.Scalar(code) else {
                throw fail("unknown entity '&\(name.prefix(12));' (only the predefined ones and &#NN; are accepted)")
            }
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
        }
    }

    private mutating func skip(past terminator: String, what: String) throws(XMLSyntaxError) {
        let end = Array(terminator.utf8)
        while index + end.count <= bytes.count {
            if bytes[index..<(index + end.count)].elementsEqual(end) {
                index += end.count
                return
            }
            index += 1
        }
        throw fail("unterminated \(what)")
    }

    private mutating func skipSpaces() {
        while index < bytes.count, isSpace(bytes[index]) { index += 1 }
    }

    private func starts(with prefix: String) -> Bool {
        var position = index
        for byte in prefix.utf8 {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
        }
        return true
    }

    private func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: "."):
            return true
        default:
            return byte >= 0x80 // names may use non-ASCII letters
        }
    }

    /// A name as shown in a message: at most 64 characters of it.
    private func shown(_ name: String) -> String {
        name.count > 64 ? String(name.prefix(64)) + "…" : name
    }

    private func fail(_ message: String) -> XMLSyntaxError {
        XMLSyntaxError(message: message, offset: index)
    }
}
