import SwitchboardCore

/// The journal's event codec. First byte even: the rest is journal metadata as read from disk — decoding never
/// traps, and what decodes encodes back to metadata that decodes to the same event. Odd: the rest describes an
/// event (below) — `decode(encode(event))` gives back its source, headers, query and URL.
///
/// Event description: a byte choosing webhook or Kafka (then 4 bytes of partition and 8 of offset), then lines:
/// the path or topic, the URL, then `name: value` lines, headers up to an empty line and query pairs after it.
enum CodecTarget {
    @Sendable static func run(_ bytes: [UInt8]) {
        guard let mode = bytes.first else { return }
        let rest = Array(bytes.dropFirst())
        if mode & 1 == 0 {
            guard let event = decode(rest) else { return }
            let again = decode(InboundEventCodec.encodeMetadata(event))
            FuzzCheck.require(again.map { Same($0) == Same(event) } == true, "codec: a decoded event did not survive encode + decode")
        } else {
            let event = describedEvent(rest)
            let decoded = decode(InboundEventCodec.encodeMetadata(event), body: event.body)
            FuzzCheck.require(decoded.map { Same($0) == Same(event) } == true, "codec: decode(encode(event)) is not the event: \(event)")
        }
    }

    private static func decode(_ metadata: [UInt8], body: [UInt8] = [1, 2, 3]) -> InboundEvent? {
        InboundEventCodec.decode(route: "route", metadata: metadata, body: body, receivedAtMillis: 1_800_000_000_000)
    }

    /// The fields the journal keeps. An empty URL is no URL (the codec writes a missing one as empty).
    struct Same: Equatable {
        var source: EventSource
        var route: String
        var headers: [Header]
        var query: [Header]
        var body: [UInt8]
        var receivedAtMillis: Int64
        var requestURL: String?
        var method: String

        init(_ event: InboundEvent) {
            method = event.method
            source = event.source
            route = event.route
            headers = event.headers
            query = event.query
            body = event.body
            receivedAtMillis = event.receivedAtMillis
            requestURL = event.requestURL?.isEmpty == true ? nil : event.requestURL
        }
    }

    /// Characters Kafka allows in a topic name.
    private static let topicCharacters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")

    private static func bigEndian(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    private static func describedEvent(_ bytes: [UInt8]) -> InboundEvent {
        var rest = bytes[...]
        let kind = rest.popFirst() ?? 0
        var number: [UInt8] = []
        if kind & 1 == 1 {
            number = Array(rest.prefix(12))
            rest = rest.dropFirst(12)
        }
        var lines = rest.split(separator: 10, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }[...]
        let place = lines.popFirst() ?? ""
        let url = lines.popFirst() ?? ""
        var headers: [Header] = []
        var query: [Header] = []
        var inQuery = false
        for line in lines {
            if line.isEmpty, !inQuery {
                inQuery = true
                continue
            }
            let pair = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let header = Header(String(pair[0]), pair.count > 1 ? String(pair[1]) : "")
            if inQuery { query.append(header) } else { headers.append(header) }
        }
        let source: EventSource
        if kind & 1 == 1 {
            // A Kafka topic: 1 to 249 characters of the allowed set (mapped from the place line's bytes).
            let topic = String(place.utf8.prefix(249).map { topicCharacters[Int($0) % topicCharacters.count] })
            let partition = Int32(truncatingIfNeeded: bigEndian(number.prefix(4)))
            let offset = Int64(truncatingIfNeeded: bigEndian(number.dropFirst(4)))
            source = .kafka(topic: topic.isEmpty ? "t" : topic, partition: partition, offset: offset)
        } else {
            source = .webhook(path: place)
        }
        return InboundEvent(
            source: source, route: "route", headers: headers, query: query, body: Array(bytes.suffix(3)),
            receivedAtMillis: 1_800_000_000_000, requestURL: url.isEmpty ? nil : url
        )
    }
}
