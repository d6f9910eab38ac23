/// Reads `name=value&...` text: URL query strings and `application/x-www-form-urlencoded` bodies.
enum FormFields {
    /// The decoded value of the first field called `name`, or nil when there is none.
    static func value(named name: String, in text: Substring) -> String? {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let (key, value) = split(pair)
            if decode(key) == name {
                return decode(value)
            }
        }
        return nil
    }

    /// Every field, decoded, in order (later duplicates kept after earlier ones).
    static func all(in text: Substring) -> [(name: String, value: String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let (key, value) = split(pair)
            return (decode(key), decode(value))
        }
    }

    private static func split(_ pair: Substring) -> (Substring, Substring) {
        guard let equals = pair.firstIndex(of: "=") else {
            return (pair, pair[pair.endIndex...])
        }
        return (pair[..<equals], pair[pair.index(after: equals)...])
    }

    /// Undoes percent-encoding and `+` for space; malformed escapes are kept as written.
    static func decode(_ text: Substring) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else {
            return String(text)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"),
                let high = utf8.index(index, offsetBy: 1, limitedBy: utf8.endIndex), high != utf8.endIndex,
                let low = utf8.index(high, offsetBy: 1, limitedBy: utf8.endIndex), low != utf8.endIndex,
                let highValue = hexValue(utf8[high]), let lowValue = hexValue(utf8[low])
            {
                bytes.append(highValue << 4 | lowValue)
                index = low
            } else {
                bytes.append(byte)
            }
            index = utf8.index(after: index)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The value of one hexadecimal digit.
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
