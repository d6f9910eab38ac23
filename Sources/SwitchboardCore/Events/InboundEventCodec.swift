/// Turns an inbound event's metadata (source, headers, query, URL) into journal bytes and back.
///
/// Layout: a version byte, then length-prefixed UTF-8 strings: source kind, path or topic, request URL, the
/// header count and pairs, the query count and pairs, and the HTTP method when it is not `POST` (entries written
/// before it was kept read as `POST`). Small, versioned, and no JSON encoder on the hot path.
public enum InboundEventCodec {
    private static let version: UInt8 = 1

    /// The journal bytes for an event's metadata (everything but the body, route and arrival time).
    public static func encodeMetadata(_ event: InboundEvent) -> [UInt8] {
        var out: [UInt8] = [version]
        out.reserveCapacity(256)
        switch event.source {
        case .webhook(let path):
            append("webhook", to: &out)
            append(path, to: &out)
        case .kafka(let topic, let partition, let offset):
            append("kafka", to: &out)
            append("\(topic)/\(partition)/\(offset)", to: &out)
        }
        append(event.requestURL ?? "", to: &out)
        append(event.headers, to: &out)
        append(event.query, to: &out)
        if event.method != "POST" { append(event.method, to: &out) }
        return out
    }

    /// Rebuilds the event from a journal entry; nil when the metadata is unreadable.
    public static func decode(route: String, metadata: [UInt8], body: [UInt8], receivedAtMillis: Int64) -> InboundEvent? {
        var reader = Reader(bytes: metadata)
        guard reader.byte() == version,
              let kind = reader.string(), let place = reader.string(), let url = reader.string(),
              let headers = reader.pairs(), let query = reader.pairs()
        else { return nil }
        let source: EventSource
        if kind == "kafka" {
            let parts = place.split(separator: "/")
            guard parts.count >= 3, let partition = Int32(parts[parts.count - 2]), let offset = Int64(parts[parts.count - 1]) else { return nil }
            source = .kafka(topic: parts.dropLast(2).joined(separator: "/"), partition: partition, offset: offset)
        } else {
            source = .webhook(path: place)
        }
        let method = reader.string().flatMap { $0.isEmpty ? nil : $0 } ?? "POST"
        return InboundEvent(
            source: source, route: route, headers: headers, query: query, body: body,
            receivedAtMillis: receivedAtMillis, requestURL: url.isEmpty ? nil : url, method: method
        )
    }

    private static func append(_ text: String, to out: inout [UInt8]) {
        let count = UInt32(text.utf8.count)
        out.append(UInt8(count >> 24)); out.append(UInt8((count >> 16) & 0xFF))
        out.append(UInt8((count >> 8) & 0xFF)); out.append(UInt8(count & 0xFF))
        out.append(contentsOf: text.utf8)
    }

    private static func append(_ pairs: [Header], to out: inout [UInt8]) {
        append(String(pairs.count), to: &out)
        for pair in pairs {
            append(pair.name, to: &out)
            append(pair.value, to: &out)
        }
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        mutating func byte() -> UInt8? {
            guard index < bytes.count else { return nil }
            defer { index += 1 }
            return bytes[index]
        }

        mutating func string() -> String? {
            guard index + 4 <= bytes.count else { return nil }
            let count = Int(bytes[index]) << 24 | Int(bytes[index + 1]) << 16 | Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            index += 4
            guard count >= 0, index + count <= bytes.count else { return nil }
            defer { index += count }
            return String(decoding: bytes[index..<index + count], as: UTF8.self)
        }

        mutating func pairs() -> [Header]? {
            guard let countText = string(), let count = Int(countText), count >= 0, count < 100_000 else { return nil }
            var pairs: [Header] = []
            pairs.reserveCapacity(count)
            for _ in 0..<count {
                guard let name = string(), let value = string() else { return nil }
                pairs.append(Header(name, value))
            }
            return pairs
        }
    }
}
