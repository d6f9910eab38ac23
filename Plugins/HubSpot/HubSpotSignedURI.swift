/// The request URI as HubSpot signs it for `X-HubSpot-Signature-v3`.
///
/// HubSpot's documentation has the verifier decode a fixed set of percent-escapes in the URI before signing
/// (`%3A` `:`, `%2F` `/`, `%3F` `?`, `%40` `@`, `%21` `!`, `%24` `$`, `%27` `'`, `%28` `(`, `%29` `)`, `%2A` `*`,
/// `%2C` `,`, `%3B` `;`); everything else stays as sent.
enum HubSpotSignedURI {
    /// The URIs to try: the decoded form first, then the URI exactly as received when it differs.
    static func candidates(for uri: String) -> [String] {
        let decoded = decode(uri)
        return decoded == uri ? [uri] : [decoded, uri]
    }

    /// The URI with the listed escapes decoded.
    static func decode(_ uri: String) -> String {
        guard uri.utf8.contains(UInt8(ascii: "%")) else { return uri }
        let bytes = Array(uri.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let decoded = decodedByte(bytes[index + 1], bytes[index + 2]) {
                out.append(decoded)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func decodedByte(_ high: UInt8, _ low: UInt8) -> UInt8? {
        let upperLow = (low >= 97 && low <= 122) ? low - 32 : low
        switch (high, upperLow) {
        case (UInt8(ascii: "3"), UInt8(ascii: "A")): return UInt8(ascii: ":")
        case (UInt8(ascii: "2"), UInt8(ascii: "F")): return UInt8(ascii: "/")
        case (UInt8(ascii: "3"), UInt8(ascii: "F")): return UInt8(ascii: "?")
        case (UInt8(ascii: "4"), UInt8(ascii: "0")): return UInt8(ascii: "@")
        case (UInt8(ascii: "2"), UInt8(ascii: "1")): return UInt8(ascii: "!")
        case (UInt8(ascii: "2"), UInt8(ascii: "4")): return UInt8(ascii: "$")
        case (UInt8(ascii: "2"), UInt8(ascii: "7")): return UInt8(ascii: "'")
        case (UInt8(ascii: "2"), UInt8(ascii: "8")): return UInt8(ascii: "(")
        case (UInt8(ascii: "2"), UInt8(ascii: "9")): return UInt8(ascii: ")")
        case (UInt8(ascii: "2"), UInt8(ascii: "A")): return UInt8(ascii: "*")
        case (UInt8(ascii: "2"), UInt8(ascii: "C")): return UInt8(ascii: ",")
        case (UInt8(ascii: "3"), UInt8(ascii: "B")): return UInt8(ascii: ";")
        default: return nil
        }
    }
}
