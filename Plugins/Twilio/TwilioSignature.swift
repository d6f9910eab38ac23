import SwitchboardCore

/// What Twilio signs for `X-Twilio-Signature`: the full URL it requested, followed by every POST parameter's name
/// and value, sorted by name (then value), with no separators. HMAC-SHA1 keyed with the auth token, base64.
///
/// JSON bodies are signed differently: the URL carries `bodySHA256` (hex SHA-256 of the body) and only the URL is
/// signed. Twilio's own validators also accept the URL with the default port added or removed, as proxies and
/// Twilio differ there.
enum TwilioSignature {
    /// The texts one of which Twilio signed: the URL variants, each followed by the sorted parameters.
    static func signedTexts(url: String, parameters: [Header]) -> [[UInt8]] {
        let sorted = parameters.sorted { lhs, rhs in
            if lhs.name != rhs.name { return lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8) }
            return lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
        }
        var suffix: [UInt8] = []
        for parameter in sorted {
            suffix.append(contentsOf: parameter.name.utf8)
            suffix.append(contentsOf: parameter.value.utf8)
        }
        return urlVariants(url).map { Array($0.utf8) + suffix }
    }

    /// The URL as received, without its default port, and with its default port.
    static func urlVariants(_ url: String) -> [String] {
        var variants = [url]
        let lower = url.lowercased()
        let (scheme, port): (String, String)
        if lower.hasPrefix("https://") {
            (scheme, port) = ("https://", "443")
        } else if lower.hasPrefix("http://") {
            (scheme, port) = ("http://", "80")
        } else {
            return variants
        }
        let rest = url.dropFirst(scheme.count)
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let tail = rest[authorityEnd...]
        let prefix = url.prefix(scheme.count)
        if authority.hasSuffix(":" + port) {
            variants.append(String(prefix + authority.dropLast(port.count + 1) + tail))
        } else if !authority.contains(":") || authority.hasSuffix("]") {
            variants.append(String(prefix) + authority + ":" + port + tail)
        }
        return variants
    }

    /// The value of the `bodySHA256` query parameter of a URL, if present.
    static func bodySHA256(in url: String) -> String? {
        let scalars = url.unicodeScalars
        guard let question = scalars.firstIndex(of: "?") else { return nil }
        return FormBody.parse(Substring(scalars[scalars.index(after: question)...])).first(exactly: "bodySHA256")
    }
}
