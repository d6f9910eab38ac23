import SwitchboardCore

/// A webhook request cut out of fuzz bytes, the same way for every plugin target, so seeds read like HTTP:
///
/// ```
/// 1                                  ← one flags byte (see below), then the lines
/// Content-Type: application/json     ← header lines, up to the first empty line
/// X-Other: value
///                                    ← empty line
/// cid=EXT-1&x=y                      ← the query string, one line (may be empty)
/// {"the":"body"}                     ← the body: every byte that is left
/// ```
/// Flags: bit 0 — the harness signs the request itself with the integration's known secret (so `map` runs on
/// arbitrary bodies behind a good signature); bit 1 — the request URL is unknown; bit 2 — the provider's
/// alternative scheme (Twilio's `bodySHA256`); bits 3… — which configuration variant of the plugin is used.
struct FuzzRequest {
    /// The flags byte.
    var flags: UInt8
    /// The header lines, in order.
    var headers: [Header]
    /// The query string as written (without `?`).
    var queryText: String
    /// The body bytes.
    var body: [UInt8]

    /// The host every fuzzed request is sent to.
    static let origin = "https://hooks.example.com"

    /// Cuts `bytes` into flags, headers, query and body.
    init(_ bytes: [UInt8]) {
        flags = bytes.first ?? 0
        headers = []
        queryText = ""
        body = []
        var index = bytes.isEmpty ? 0 : 1
        var sawBlankLine = false
        while index < bytes.count {
            let end = bytes[index...].firstIndex(of: 10) ?? bytes.count
            let line = Self.text(bytes[index..<end])
            index = min(end + 1, bytes.count)
            if line.isEmpty {
                sawBlankLine = true
                break
            }
            if let colon = line.firstIndex(of: ":") {
                let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
                headers.append(Header(String(line[..<colon]), String(value)))
            } else {
                headers.append(Header(line, ""))
            }
        }
        guard sawBlankLine, index < bytes.count else { return }
        let end = bytes[index...].firstIndex(of: 10) ?? bytes.count
        queryText = Self.text(bytes[index..<end])
        if end < bytes.count { body = Array(bytes[(end + 1)...]) }
    }

    /// Whether the harness signs the request.
    var signs: Bool { flags & 1 != 0 }
    /// Whether the request URL is known (it is unless bit 1 is set).
    var hasURL: Bool { flags & 2 == 0 }
    /// Whether the provider's alternative scheme is used.
    var alternative: Bool { flags & 4 != 0 }
    /// Which configuration variant, before reducing modulo the number of variants.
    var variant: Int { Int(flags >> 3) }

    /// The URL the provider called for `path`, with the query string; nil when unknown.
    func url(path: String) -> String? {
        guard hasURL else { return nil }
        return Self.origin + path + (queryText.isEmpty ? "" : "?" + queryText)
    }

    /// Replaces every header named `name` (any case) with one of this value.
    mutating func set(_ name: String, _ value: String) {
        headers.removeAll { $0.name.lowercased() == name.lowercased() }
        headers.append(Header(name, value))
    }

    /// The query parameters as decoded pairs.
    var queryPairs: [Header] { FormBody.parse(Substring(queryText)) }

    /// Rewrites the query string from pairs, percent-encoded.
    mutating func setQuery(_ pairs: [Header]) {
        queryText = pairs.map { PercentEncoding.encode($0.name) + "=" + PercentEncoding.encode($0.value) }.joined(separator: "&")
    }

    /// The inbound event the listener would build for this request on `path`.
    func event(path: String, receivedAtMillis: Int64) -> InboundEvent {
        InboundEvent(
            source: .webhook(path: path), route: "fuzz", headers: headers, query: queryPairs, body: body,
            receivedAtMillis: receivedAtMillis, requestURL: url(path: path)
        )
    }

    /// The framing back: flags, header lines, blank line, query line, body (seeds are written with this).
    static func bytes(flags: UInt8, headers: [Header], query: String = "", body: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [flags]
        for header in headers { out += Array("\(header.name): \(header.value)\n".utf8) }
        out += Array("\n\(query)\n".utf8)
        return out + body
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String {
        var line = bytes
        if line.last == 13 { line = line.dropLast() }
        return String(decoding: line, as: UTF8.self)
    }
}
