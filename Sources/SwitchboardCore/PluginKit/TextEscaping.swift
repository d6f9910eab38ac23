/// Escapes text for the places it is written into by hand: XML and HTML text and attributes, JSON strings.
///
/// ```swift
/// let xml = "<Id>" + TextEscaping.xml(cid) + "</Id>"
/// let json = "{\"cid\":\"" + TextEscaping.json(cid) + "\"}"
/// ```
public enum TextEscaping {
    /// The text with `& < > " '` escaped as XML entities (`'` as `&apos;`), for element text and attribute values.
    public static func xml(_ text: String) -> String {
        markup(text, apostrophe: "&apos;")
    }

    /// The text with `& < > " '` escaped for HTML (`'` as `&#39;`, which every HTML version reads).
    public static func html(_ text: String) -> String {
        markup(text, apostrophe: "&#39;")
    }

    /// The text as it may appear between JSON quotes: quote, backslash and control characters escaped, and
    /// U+2028/U+2029 too, so the result is also safe inside JavaScript.
    public static func json(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// The five markup characters replaced; text without any of them is returned as it is.
    private static func markup(_ text: String, apostrophe: String) -> String {
        guard text.utf8.contains(where: { $0 == 38 || $0 == 60 || $0 == 62 || $0 == 34 || $0 == 39 }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += apostrophe
            default: out.append(character)
            }
        }
        return out
    }
}
