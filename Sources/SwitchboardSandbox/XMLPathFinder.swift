/// Finds the text of the element at a dotted path of element names (`order.payment.cid`) in XML.
///
/// The path may start at the root element (`event.cid` in `<event><cid>..</cid></event>`) or just below
/// it (`cid`). Names match with or without a namespace prefix. The first matching element with
/// non-empty text wins; its text is entity-decoded (CDATA included) and trimmed. Malformed XML yields nil.
/// No DTD is processed and no entity is expanded beyond the predefined and numeric ones.
struct XMLPathFinder {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The text of the first element at `path` in `xml`, or nil.
    static func value(at path: [Substring], in xml: String) -> String? {
        var xml = xml
        return xml.withUTF8 { buffer in
            var finder = XMLPathFinder(bytes: buffer)
            return finder.find(path.map { Array($0.utf8) })
        }
    }

    private mutating func find(_ path: [[UInt8]]) -> String? {
        var stack: [ArraySlice<UInt8>] = []
        var capture: [UInt8]?
        var captureDepth = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "<") else {
                let start = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "<") {
                    index += 1
                }
                if capture != nil, stack.count == captureDepth {
                    capture?.append(contentsOf: bytes[start..<index])
                }
                continue
            }
            if starts(with: "<!--") {
                guard skip(past: "-->") else { return nil }
            } else if starts(with: "<![CDATA[") {
                index += 9
                let start = index
                guard skip(past: "]]>") else { return nil }
                if capture != nil, stack.count == captureDepth {
                    // CDATA is literal text: escape its ampersands so entity decoding leaves it intact.
                    for byte in bytes[start..<(index - 3)] {
                        if byte == UInt8(ascii: "&") {
                            capture?.append(contentsOf: Array("&amp;".utf8))
                        } else {
                            capture?.append(byte)
                        }
                    }
                }
            } else if starts(with: "<?") {
                guard skip(past: "?>") else { return nil }
            } else if starts(with: "<!") {
                guard skipDeclaration() else { return nil }
            } else if starts(with: "</") {
                index += 2
                guard skip(past: ">") else { return nil }
                if let text = capture, stack.count == captureDepth {
                    let value = Self.decodeEntities(text)
                    if !value.isEmpty {
                        return value
                    }
                    capture = nil
                }
                guard !stack.isEmpty else { return nil }
                stack.removeLast()
            } else {
                index += 1
                guard let (name, selfClosing) = readStartTag() else { return nil }
                stack.append(name)
                if capture == nil, Self.matches(stack, path) {
                    capture = []
                    captureDepth = stack.count
                }
                if selfClosing {
                    if capture != nil, stack.count == captureDepth {
                        capture = nil
                    }
                    stack.removeLast()
                }
            }
        }
        return nil
    }

    /// True when the open elements are the path, from the root or from just below it.
    private static func matches(_ stack: [ArraySlice<UInt8>], _ path: [[UInt8]]) -> Bool {
        func same(_ name: ArraySlice<UInt8>, _ wanted: [UInt8]) -> Bool {
            if name.elementsEqual(wanted) {
                return true
            }
            guard let colon = name.firstIndex(of: UInt8(ascii: ":")) else {
                return false
            }
            return name[(colon + 1)...].elementsEqual(wanted)
        }
        func matchesSuffix(from offset: Int) -> Bool {
            guard stack.count - offset == path.count else {
                return false
            }
            return zip(stack[offset...], path).allSatisfy(same)
        }
        return matchesSuffix(from: 0) || matchesSuffix(from: 1)
    }

    /// Reads a start tag after `<`: its name and whether it closes itself.
    private mutating func readStartTag() -> (ArraySlice<UInt8>, Bool)? {
        let start = index
        while index < bytes.count, !Self.endsName(bytes[index]) {
            index += 1
        }
        guard index > start, index < bytes.count else {
            return nil
        }
        let name = ArraySlice(bytes[start..<index])
        var quote: UInt8?
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                return (name, index >= 2 && bytes[index - 2] == UInt8(ascii: "/"))
            }
        }
        return nil
    }

    private static func endsName(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
            || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: ">")
    }

    private func starts(with prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard index + count <= bytes.count else {
            return false
        }
        return prefix.withUTF8Buffer { prefix in
            for offset in 0..<count where bytes[index + offset] != prefix[offset] {
                return false
            }
            return true
        }
    }

    /// Moves past the next occurrence of `terminator`; false when there is none.
    private mutating func skip(past terminator: StaticString) -> Bool {
        while index < bytes.count {
            if starts(with: terminator) {
                index += terminator.utf8CodeUnitCount
                return true
            }
            index += 1
        }
        return false
    }

    /// Skips `<!DOCTYPE ...>` including an internal subset in brackets.
    private mutating func skipDeclaration() -> Bool {
        var brackets = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "[") {
                brackets += 1
            } else if byte == UInt8(ascii: "]") {
                brackets -= 1
            } else if byte == UInt8(ascii: ">"), brackets <= 0 {
                return true
            }
        }
        return false
    }

    /// Decodes the predefined and numeric entities and trims surrounding whitespace.
    static func decodeEntities(_ text: [UInt8]) -> String {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(text.count)
        var position = 0
        while position < text.count {
            let byte = text[position]
            guard byte == UInt8(ascii: "&"),
                let semicolon = text[position...].prefix(12).firstIndex(of: UInt8(ascii: ";"))
            else {
                decoded.append(byte)
                position += 1
                continue
            }
            let entity = String(decoding: text[(position + 1)..<semicolon], as: UTF8.self)
            if let replacement = replacement(for: entity) {
                decoded.append(contentsOf: replacement.utf8)
            } else {
                decoded.append(contentsOf: text[position...semicolon])
            }
            position = semicolon + 1
        }
        return String(decoding: decoded, as: UTF8.self).trimmingXMLWhitespace()
    }

    private static func replacement(for entity: String) -> String? {
        switch entity {
        case "lt": return "<"
        case "gt": return ">"
        case "amp": return "&"
        case "quot": return "\""
        case "apos": return "'"
        default:
            guard entity.hasPrefix("#") else {
                return nil
            }
            let digits = entity.dropFirst()
            let value: UInt32?
            if digits.hasPrefix("x") || digits.hasPrefix("X") {
                value = UInt32(digits.dropFirst(), radix: 16)
            } else {
                value = UInt32(digits, radix: 10)
            }
            return value.flatMap(Unicode.Scalar.init).map { String(Character($0)) }
        }
    }
}

extension String {
    /// The text without leading and trailing spaces, tabs and line breaks.
    fileprivate func trimmingXMLWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
