/// Reading what a person would see in a DOM dump.
enum PageText {
    /// The text (tags removed) of the first element carrying `attribute` (e.g. `data-field="backlog"`) inside
    /// `html`, up to the element's closing tag `</tag>`.
    static func element(_ attribute: String, in html: String, closing tag: String = "td") -> String? {
        guard let start = html.range(of: attribute),
              let open = html[start.upperBound...].firstIndex(of: ">"),
              let close = html[open...].range(of: "</\(tag)>")
        else { return nil }
        return stripped(html[html.index(after: open)..<close.lowerBound])
    }

    /// The markup of the element opened at `attribute`, up to the next `</tag>`.
    static func block(_ attribute: String, in html: String, closing tag: String) -> String? {
        guard let start = html.range(of: attribute), let close = html[start.upperBound...].range(of: "</\(tag)>") else { return nil }
        return String(html[start.lowerBound..<close.upperBound])
    }

    /// Text without tags (entities stay as written).
    static func stripped(_ markup: Substring) -> String {
        var text = ""
        var inTag = false
        for character in markup {
            if character == "<" { inTag = true } else if character == ">" { inTag = false } else if !inTag { text.append(character) }
        }
        return text
    }
}
