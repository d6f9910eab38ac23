/// One name/value pair of an HTTP header, a query string or a Kafka message header.
public struct Header: Sendable, Hashable {
    /// The name as it arrived (compare case-insensitively for HTTP headers).
    public var name: String
    /// The value.
    public var value: String

    /// Makes a pair.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

extension Array where Element == Header {
    /// The first value whose name matches, ignoring ASCII case (HTTP header semantics).
    public func first(named name: String) -> String? {
        // Byte counts: `count` would walk both names grapheme by grapheme for every header.
        let length = name.utf8.count
        for header in self where header.name.utf8.count == length {
            if header.name.caseInsensitiveEquals(name) { return header.value }
        }
        return nil
    }

    /// The first value whose name matches exactly (query-string semantics).
    public func first(exactly name: String) -> String? {
        first { $0.name == name }?.value
    }
}

extension String {
    /// ASCII case-insensitive comparison without allocating lowercased copies.
    func caseInsensitiveEquals(_ other: String) -> Bool {
        let a = self.utf8, b = other.utf8
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) where x != y {
            let lx = (x >= 65 && x <= 90) ? x + 32 : x
            let ly = (y >= 65 && y <= 90) ? y + 32 : y
            if lx != ly { return false }
        }
        return true
    }
}
