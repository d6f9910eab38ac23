/// Percent-encoding of query-string components (RFC 3986 unreserved characters pass through).
public enum PercentEncoding {
    /// Encodes everything but `A–Z a–z 0–9 - . _ ~`.
    public static func encode(_ text: String) -> String {
        var needs = false
        for byte in text.utf8 where !isUnreserved(byte) {
            needs = true
            break
        }
        guard needs else { return text }
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 3)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                out.append(byte)
            } else {
                out.append(37)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `%XX` escapes and, when `plusAsSpace`, `+` as a space (form encoding).
    public static func decode(_ text: Substring, plusAsSpace: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 37, index + 2 < bytes.count, let h = hexValue(bytes[index + 1]), let l = hexValue(bytes[index + 2]) {
                out.append(h << 4 | l)
                index += 3
                continue
            }
            out.append(byte == 43 && plusAsSpace ? 32 : byte)
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57)
            || byte == 45 || byte == 46 || byte == 95 || byte == 126
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: byte - 48
        case 65...70: byte - 55
        case 97...102: byte - 87
        default: nil
        }
    }
}
