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

    /// The text as it may appear between JSON quotes: quote, backslash and every control character escaped (C0,
    /// DEL, C1), and U+2028/U+2029 and the bidirectional controls too, so the result is also safe inside
    /// JavaScript and on a terminal.
    public static func json(_ text: String) -> String {
        escaped(text, quote: true) { value in
            let hex = String(value, radix: 16)
            return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
    }

    /// The text safe to print on a terminal or in a log line: backslash doubled, `\n` `\r` `\t` written as such,
    /// every other control character (C0, DEL, C1), the line and paragraph separators and the bidirectional
    /// controls written as `\u{1B}`. Nothing that reaches a terminal this way can move the cursor or fake a line.
    public static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "\\" || needsEscape($0) }) else { return text }
        return escaped(text, quote: false) { "\\u{" + String($0, radix: 16, uppercase: true) + "}" }
    }

    /// Backslash, `\n`, `\r`, `\t` (and `"` when `quote`) escaped with a backslash; every other scalar that
    /// `needsEscape` written by `code`.
    private static func escaped(_ text: String, quote: Bool, code: (UInt32) -> String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"" where quote: out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if needsEscape(scalar) {
                    out += code(scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// Input quoted for an error message: at most `limit` characters, made `printable`, in double quotes, with `…`
    /// when cut. Messages name what was wrong without echoing a whole hostile value.
    public static func quoted(_ text: String, limit: Int = 60) -> String {
        let cut = text.count > limit
        let shown = cut ? String(text.prefix(max(0, limit))) : text
        return "\"" + printable(shown).replacingOccurrences(of: "\"", with: "\\\"") + (cut ? "…" : "") + "\""
    }

    /// Control characters (C0, DEL, C1), U+2028/U+2029 and the bidirectional embedding, override and isolate controls.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C:
            return true
        default:
            return false
        }
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
