/// Finds the value at a dotted path (`a.b.0.c`) in JSON text without building the whole document.
///
/// Object members are matched by name (the first member of that name wins); numeric segments index arrays.
/// A string yields its decoded text; a number, `true` or `false` yields its literal text; `null`, objects,
/// arrays, a missing path and malformed JSON all yield nil. Scanning is iterative, so deep nesting is safe.
struct JSONPathFinder {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The text of the value at `path` in `json`, or nil.
    static func value(at path: [Substring], in json: String) -> String? {
        var json = json
        return json.withUTF8 { buffer in
            var finder = JSONPathFinder(bytes: buffer)
            return finder.find(path)
        }
    }

    private mutating func find(_ path: [Substring]) -> String? {
        for segment in path {
            skipWhitespace()
            guard let byte = current else {
                return nil
            }
            switch byte {
            case UInt8(ascii: "{"):
                guard enterMember(named: segment) else {
                    return nil
                }
            case UInt8(ascii: "["):
                guard let position = Int(segment), position >= 0, enterElement(at: position) else {
                    return nil
                }
            default:
                return nil
            }
        }
        skipWhitespace()
        return readLeaf()
    }

    private var current: UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private mutating func skipWhitespace() {
        while let byte = current,
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
                || byte == UInt8(ascii: "\t")
        {
            index += 1
        }
    }

    /// At `{`: moves to the value of the member called `name`; false when there is none.
    private mutating func enterMember(named name: Substring) -> Bool {
        index += 1
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else {
                return false
            }
            guard let key = readString() else {
                return false
            }
            skipWhitespace()
            guard current == UInt8(ascii: ":") else {
                return false
            }
            index += 1
            skipWhitespace()
            if key[...] == name {
                return true
            }
            guard skipValue() else {
                return false
            }
            skipWhitespace()
            guard current == UInt8(ascii: ",") else {
                return false
            }
            index += 1
        }
    }

    /// At `[`: moves to the element at `position`; false when the array is shorter.
    private mutating func enterElement(at position: Int) -> Bool {
        index += 1
        var element = 0
        while true {
            skipWhitespace()
            guard let byte = current, byte != UInt8(ascii: "]") else {
                return false
            }
            if element == position {
                return true
            }
            guard skipValue() else {
                return false
            }
            skipWhitespace()
            guard current == UInt8(ascii: ",") else {
                return false
            }
            index += 1
            element += 1
        }
    }

    /// Reads a scalar at the cursor as text.
    private mutating func readLeaf() -> String? {
        guard let byte = current else {
            return nil
        }
        if byte == UInt8(ascii: "\"") {
            return readString()
        }
        if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "n") {
            return nil
        }
        let start = index
        guard skipScalar() else {
            return nil
        }
        let literal = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        return literal
    }

    /// Skips any value at the cursor; false when the JSON ends or is malformed there.
    private mutating func skipValue() -> Bool {
        guard let byte = current else {
            return false
        }
        switch byte {
        case UInt8(ascii: "\""):
            return skipString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while let byte = current {
                switch byte {
                case UInt8(ascii: "\""):
                    guard skipString() else {
                        return false
                    }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 {
                        index += 1
                        return true
                    }
                default:
                    break
                }
                index += 1
            }
            return false
        default:
            return skipScalar()
        }
    }

    /// Skips a number or literal; false when there is nothing to skip.
    private mutating func skipScalar() -> Bool {
        let start = index
        while let byte = current {
            if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]")
                || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
                || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\"")
            {
                break
            }
            index += 1
        }
        return index > start
    }

    /// Skips a string at the cursor (on its opening quote).
    private mutating func skipString() -> Bool {
        index += 1
        while let byte = current {
            index += 1
            if byte == UInt8(ascii: "\\") {
                index += 1
            } else if byte == UInt8(ascii: "\"") {
                return true
            }
        }
        return false
    }

    /// Reads and decodes a string at the cursor (on its opening quote).
    private mutating func readString() -> String? {
        index += 1
        let start = index
        // Fast path: no escapes, the text is the bytes between the quotes.
        while let byte = current, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
            index += 1
        }
        guard let stop = current else {
            return nil
        }
        if stop == UInt8(ascii: "\"") {
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            index += 1
            return text
        }
        var decoded = Array(bytes[start..<index])
        while let byte = current {
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: decoded, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard readEscape(into: &decoded) else {
                    return nil
                }
            default:
                decoded.append(byte)
            }
        }
        return nil
    }

    /// Decodes one escape after a backslash.
    private mutating func readEscape(into decoded: inout [UInt8]) -> Bool {
        guard let byte = current else {
            return false
        }
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(byte)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            guard var scalar = readHex4() else {
                return false
            }
            if (0xD800...0xDBFF).contains(scalar), current == UInt8(ascii: "\\"),
                index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u")
            {
                let saved = index
                index += 2
                if let low = readHex4(), (0xDC00...0xDFFF).contains(low) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    index = saved
                }
            }
            let unicode = Unicode.Scalar(scalar) ?? "\u{FFFD}"
            decoded.append(contentsOf: String(Character(unicode)).utf8)
        default:
            return false
        }
        return true
    }

    private mutating func readHex4() -> UInt32? {
        guard index + 4 <= bytes.count else {
            return nil
        }
        var value: UInt32 = 0
        for offset in 0..<4 {
            guard let digit = FormFields.hexValue(bytes[index + offset]) else {
                return nil
            }
            value = value << 4 | UInt32(digit)
        }
        index += 4
        return value
    }
}
