/// Reads `application/x-www-form-urlencoded` bodies and query strings.
public enum FormBody {
    /// The name/value pairs, decoded, in order.
    public static func parse(_ bytes: [UInt8]) -> [Header] {
        parse(Substring(String(decoding: bytes, as: UTF8.self)))
    }

    /// The name/value pairs of a query string (without the `?`).
    public static func parse(_ text: Substring) -> [Header] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = PercentEncoding.decode(parts[0], plusAsSpace: true)
            let value = parts.count > 1 ? PercentEncoding.decode(parts[1], plusAsSpace: true) : ""
            return Header(name, value)
        }
    }
}
