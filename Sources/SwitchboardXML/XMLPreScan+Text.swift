extension XMLPreScan {
    /// Every byte after the byte order mark is UTF-8 for an XML character (no NUL or other control character,
    /// no surrogate, no U+FFFE/U+FFFF).
    func checkCharacters() throws(XMLReadError) {
        var cursor = start
        while cursor < bytes.count {
            let lead = bytes[cursor]
            if lead < 0x80 {
                guard lead >= 0x20 || lead == 0x09 || lead == 0x0A || lead == 0x0D else {
                    throw malformed("control character \\u{\(String(lead, radix: 16, uppercase: true))} is not allowed in XML", at: cursor)
                }
                cursor += 1
                continue
            }
            let length: Int
            var scalar: UInt32
            var lowest: UInt32
            switch lead {
            case 0xC2...0xDF: (length, scalar, lowest) = (2, UInt32(lead & 0x1F), 0x80)
            case 0xE0...0xEF: (length, scalar, lowest) = (3, UInt32(lead & 0x0F), 0x800)
            case 0xF0...0xF4: (length, scalar, lowest) = (4, UInt32(lead & 0x07), 0x10000)
            default: throw notUTF8(at: cursor)
            }
            guard cursor + length <= bytes.count else { throw notUTF8(at: cursor) }
            for offset in 1..<length {
                let continuation = bytes[cursor + offset]
                guard continuation & 0xC0 == 0x80 else { throw notUTF8(at: cursor) }
                scalar = scalar << 6 | UInt32(continuation & 0x3F)
            }
            guard scalar >= lowest, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else { throw notUTF8(at: cursor) }
            guard scalar != 0xFFFE, scalar != 0xFFFF else {
                throw malformed("character \\u{\(String(scalar, radix: 16, uppercase: true))} is not allowed in XML", at: cursor)
            }
            cursor += length
        }
    }

    /// `<?xml version="1.x" encoding="UTF-8" standalone="yes"?>` at the start, read strictly: libxml2 skips to the
    /// next `>` after a malformed declaration, which this walk would not follow.
    mutating func scanDeclaration() throws(XMLReadError) {
        var cursor = index + 5
        var expected = ["version", "encoding", "standalone"][...]
        while true {
            let next = skipSpaces(from: cursor)
            if next + 1 < bytes.count, bytes[next] == UInt8(ascii: "?"), bytes[next + 1] == UInt8(ascii: ">"), expected.first != "version" {
                index = next + 2
                return
            }
            guard next > cursor else { throw malformed("expected a space or '?>' in the XML declaration", at: next) }
            var nameEnd = next
            while nameEnd < bytes.count, bytes[nameEnd] >= UInt8(ascii: "a"), bytes[nameEnd] <= UInt8(ascii: "z") { nameEnd += 1 }
            let name = String(decoding: bytes[next..<nameEnd], as: UTF8.self)
            guard let found = expected.firstIndex(of: name), expected.first != "version" || name == "version" else {
                throw malformed(expected.first == "version" ? "the XML declaration has no version" : "unexpected '\(shown(next..<nameEnd))' in the XML declaration", at: next)
            }
            expected = expected[(found + 1)...]
            var position = skipSpaces(from: nameEnd)
            guard position < bytes.count, bytes[position] == UInt8(ascii: "=") else { throw malformed("expected '=' after \(name) in the XML declaration", at: position) }
            position = skipSpaces(from: position + 1)
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'") else {
                throw malformed("expected a quoted \(name) in the XML declaration", at: position)
            }
            let quote = bytes[position]
            var valueEnd = position + 1
            while valueEnd < bytes.count, valueEnd - position <= 40, bytes[valueEnd] != quote { valueEnd += 1 }
            guard valueEnd < bytes.count, bytes[valueEnd] == quote else { throw malformed("the \(name) in the XML declaration is not closed", at: position) }
            let value = String(decoding: bytes[(position + 1)..<valueEnd], as: UTF8.self)
            try checkDeclared(name, value, at: position + 1)
            cursor = valueEnd + 1
        }
    }

    private func checkDeclared(_ name: String, _ value: String, at offset: Int) throws(XMLReadError) {
        switch name {
        case "version":
            guard value.hasPrefix("1."), value.count > 2, value.dropFirst(2).allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw malformed("unsupported XML version '\(XMLReadError.excerpt(value.utf8))'", at: offset)
            }
        case "encoding":
            guard ["utf-8", "utf8", "us-ascii", "ascii"].contains(value.lowercased()) else {
                throw refused("the document declares encoding '\(XMLReadError.excerpt(value.utf8))'; only UTF-8 is accepted", at: offset)
            }
        default:
            guard value == "yes" || value == "no" else { throw malformed("standalone must be 'yes' or 'no'", at: offset) }
        }
    }

    /// `<?target …?>`. The target must start like a name: libxml2 gives up on the instruction otherwise and reads on
    /// inside it, which this walk would not follow.
    mutating func scanInstruction() throws(XMLReadError) {
        let target = index + 2
        guard target < bytes.count, isASCIILetter(bytes[target]) || bytes[target] == UInt8(ascii: "_") || bytes[target] == UInt8(ascii: ":") else {
            throw malformed("expected a name after '<?'", at: target)
        }
        var targetEnd = target
        while targetEnd < bytes.count, !isSpace(bytes[targetEnd]), bytes[targetEnd] != UInt8(ascii: "?") {
            targetEnd += 1
            guard targetEnd - target <= limits.maxNameBytes else {
                throw limit("a name is longer than \(limits.maxNameBytes) bytes: \(shown(target..<targetEnd))…", at: target)
            }
        }
        let name = String(decoding: bytes[target..<targetEnd], as: UTF8.self)
        if name.lowercased() == "xml" {
            throw malformed("an XML declaration is allowed only at the very start, as <?xml version=\"1.0\"?>", at: index)
        }
        if name == "oasis-xml-catalog" {
            throw refused("catalog processing instructions are not accepted", at: index)
        }
        index = try position(after: "?>", from: targetEnd, what: "processing instruction")
    }

    /// Past the reference at `position` (`&amp;`, `&#233;`, `&#xE9;`); refuses any other entity.
    func reference(at position: Int) throws(XMLReadError) -> Int {
        var cursor = position + 1
        if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "#") {
            cursor += 1
            let hex = cursor < bytes.count && bytes[cursor] == UInt8(ascii: "x")
            if hex { cursor += 1 }
            var value: UInt32 = 0
            let digitsStart = cursor
            while cursor < bytes.count, let digit = Self.digit(bytes[cursor], hex: hex) {
                value = min(value * (hex ? 16 : 10) + digit, 0x110000)
                cursor += 1
            }
            guard cursor > digitsStart, cursor < bytes.count, bytes[cursor] == UInt8(ascii: ";") else {
                throw malformed("malformed character reference (write &#NN; or &#xHH;)", at: position)
            }
            guard Self.isXMLCharacter(value) else {
                throw malformed("character reference \(shown(position..<(cursor + 1))) is not an allowed character", at: position)
            }
            return cursor + 1
        }
        let nameStart = cursor
        while cursor < bytes.count, cursor - nameStart < 64, bytes[cursor] != UInt8(ascii: ";"), !isSpace(bytes[cursor]),
              bytes[cursor] != UInt8(ascii: "<"), bytes[cursor] != UInt8(ascii: "&") {
            cursor += 1
        }
        guard cursor > nameStart, cursor < bytes.count, bytes[cursor] == UInt8(ascii: ";") else {
            throw malformed("'&' that starts no reference (write &amp;)", at: position)
        }
        switch String(decoding: bytes[nameStart..<cursor], as: UTF8.self) {
        case "lt", "gt", "amp", "quot", "apos":
            return cursor + 1
        default:
            throw refused("unknown entity '\(shown(position..<(cursor + 1)))' (only &lt; &gt; &amp; &quot; &apos; and &#NN; are accepted)", at: position)
        }
    }

    private static func digit(_ byte: UInt8, hex: Bool) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private static func isXMLCharacter(_ value: UInt32) -> Bool {
        value == 0x09 || value == 0x0A || value == 0x0D || (0x20...0xD7FF).contains(value)
            || (0xE000...0xFFFD).contains(value) || (0x10000...0x10FFFF).contains(value)
    }

    // MARK: - Small pieces

    /// Past the first `terminator` at or after `from`.
    func position(after terminator: StaticString, from: Int, what: String) throws(XMLReadError) -> Int {
        let end = UnsafeBufferPointer(start: terminator.utf8Start, count: terminator.utf8CodeUnitCount)
        var cursor = from
        while cursor + end.count <= bytes.count {
            if bytes[cursor] == end[0], bytes[cursor..<(cursor + end.count)].elementsEqual(end) {
                return cursor + end.count
            }
            cursor += 1
        }
        throw malformed("\(what) is not closed", at: index)
    }

    func starts(with prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        return bytes[index..<(index + count)].elementsEqual(UnsafeBufferPointer(start: prefix.utf8Start, count: count))
    }

    func skipSpaces(from position: Int) -> Int {
        var cursor = position
        while cursor < bytes.count, isSpace(bytes[cursor]) { cursor += 1 }
        return cursor
    }

    func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private func isASCIILetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    /// Input bytes as shown in a message (see `XMLReadError.excerpt`).
    func shown(_ range: Range<Int>) -> String {
        XMLReadError.excerpt(bytes[range])
    }

    func malformed(_ message: String, at offset: Int? = nil) -> XMLReadError {
        error(.malformed, message, at: offset ?? index)
    }

    func refused(_ message: String, at offset: Int? = nil) -> XMLReadError {
        error(.notAccepted, message, at: offset ?? index)
    }

    func limit(_ message: String, at offset: Int? = nil) -> XMLReadError {
        error(.limitExceeded, message, at: offset ?? index)
    }

    private func notUTF8(at offset: Int) -> XMLReadError {
        error(.malformed, "the document is not valid UTF-8 (only UTF-8 is accepted)", at: offset)
    }

    private func error(_ kind: XMLReadError.Kind, _ message: String, at offset: Int) -> XMLReadError {
        let clamped = min(offset, bytes.count)
        let line = 1 + bytes[..<clamped].reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
        return XMLReadError(kind, message, offset: clamped, line: line)
    }
}
