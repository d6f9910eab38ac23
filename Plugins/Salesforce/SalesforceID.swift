/// Salesforce record ids: 15 case-sensitive characters, or 18 where the last 3 encode the case of the first 15
/// (so case-insensitive systems can tell ids apart). Both forms name the same record or organization.
enum SalesforceID {
    private static let suffixAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345")

    /// The 15-character form of a 15- or 18-character id; nil when the text is not a well-formed id (wrong
    /// length, characters other than letters and digits, or an 18-character id whose suffix does not match).
    static func canonical(_ text: String) -> String? {
        let characters = Array(text)
        guard characters.count == 15 || characters.count == 18,
              characters.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }
        let base = String(characters[0..<15])
        if characters.count == 18 {
            guard String(characters[15..<18]).uppercased() == suffix(of: characters[0..<15]) else { return nil }
        }
        return base
    }

    /// The 3-character case-checksum suffix of a 15-character id.
    static func suffix(of base: ArraySlice<Character>) -> String {
        var out = ""
        let characters = Array(base)
        for chunk in 0..<3 {
            var bits = 0
            for position in 0..<5 {
                let character = characters[chunk * 5 + position]
                if character >= "A" && character <= "Z" { bits |= 1 << position }
            }
            out.append(suffixAlphabet[bits])
        }
        return out
    }
}
