import Foundation
import SwitchboardCore

/// The parsers that read what a caller sends: XML, JSON (with the id look-up), forms, `Retry-After`, timestamps.
enum ParserTargets {
    /// `traceparent`, a newline, `tracestate` → a context that only ever passes on valid, printable header values.
    @Sendable static func traceparent(_ bytes: [UInt8]) {
        let newline = bytes.firstIndex(of: 10) ?? bytes.endIndex
        let parent = String(decoding: bytes[..<newline], as: UTF8.self)
        let state = newline < bytes.endIndex ? String(decoding: bytes[(newline + 1)...], as: UTF8.self) : nil
        var headers = [Header("traceparent", parent)]
        if let state { headers.append(Header("tracestate", state)) }
        guard let context = TraceContext(headers: headers) else { return }
        let span = TraceContext.newSpanID()
        for header in context.headers(spanID: span) {
            FuzzCheck.require(header.value.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }, "traceparent: a control or non-ASCII byte would be sent")
        }
        let passed = context.traceparent(spanID: span)
        FuzzCheck.require(TraceContext.parse(passed)?.traceID == context.traceID, "traceparent: what is passed on does not parse back to the same trace")
        FuzzCheck.require(passed.utf8.count == 55, "traceparent: what is passed on is not version 00")
    }

    /// XML body → element tree; its path look-ups find what the document holds, and its JSON form always encodes.
    @Sendable static func xml(_ bytes: [UInt8]) {
        guard let root = try? XMLBody.parse(bytes) else { return }
        _ = root.string(at: "Body.notifications.Notification.sObject.PolyAI_CID__c")
        _ = root.string(at: "Envelope.Body")
        _ = root.child("Body")?.children("notifications")
        _ = root.attribute("type")
        FuzzCheck.require(!JSONBody.encode(root.jsonValue()).isEmpty, "xml: the JSON form of a parsed document did not encode")

        // The first-child chain from the root to a leaf: `string(at:)` of its dotted path is that leaf's text.
        var chain = [root]
        while let next = chain.last?.children.first { chain.append(next) }
        let names = chain.map { String($0.localName) }
        let leafText = chain[chain.count - 1].trimmedText
        if !leafText.isEmpty, names.allSatisfy({ !$0.isEmpty && !$0.contains(".") }) {
            let path = names.joined(separator: ".")
            FuzzCheck.require(root.string(at: path) == leafText, "xml: string(at: \(path)) is not the text of the element there")
        }
    }

    /// The `pattern`s the JSON target cuts ids with (chosen by the first byte).
    static let patterns: [IDPattern?] = [
        nil,
        try? IDPattern("ref ([A-Z0-9-]+)"),
        try? IDPattern("[0-9]+"),
        try? IDPattern(#"(?i)cid=(\w+)"#),
    ]

    /// One byte choosing the `pattern`, a line with the dotted path, then the JSON body.
    @Sendable static func json(_ bytes: [UInt8]) {
        let pattern = patterns[Int(bytes.first ?? 0) % patterns.count]
        let rest = bytes.dropFirst()
        let newline = rest.firstIndex(of: 10) ?? rest.endIndex
        let path = String(decoding: rest[..<newline], as: UTF8.self)
        let body = newline < rest.endIndex ? Array(rest[(newline + 1)...]) : []
        // The mapping plugin's one-pass read of an id: whatever it is sure of, the full parse agrees with.
        if let scanned = JSONFieldScan.string(at: path, in: body) {
            let parsed = try? JSONBody.parse(body)
            FuzzCheck.require(parsed != nil, "json: the field scan read '\(path)' from a body JSONBody.parse refuses")
            FuzzCheck.require(parsed.flatMap { JSONBody.string(at: path, in: $0) } == scanned, "json: the field scan read '\(scanned)' at '\(path)', the full parse does not")
        }
        guard let document = try? JSONBody.parse(body) else { return }

        let event = InboundEvent(source: .webhook(path: "/fuzz"), route: "fuzz", body: body, receivedAtMillis: 0)
        let selector = EventIDSelector(source: .json, path: path, pattern: pattern)
        if let id = try? selector.eventID(in: event, json: document) {
            FuzzCheck.requireValidID(id, "json \(selector)")
        }
        _ = JSONBody.value(at: path, in: document)
        _ = BodySelector.fields([path, "data.object.metadata.cid"]).json(from: document)
        let encoded = JSONBody.encode(document)
        FuzzCheck.require(encoded.isEmpty || (try? JSONBody.parse(encoded)) != nil, "json: JSONBody.encode wrote JSON that JSONBody.parse refuses")
    }

    /// Form body → pairs; writing the pairs back and reading them again gives the same pairs, and percent-encoding
    /// any text decodes back to it.
    @Sendable static func form(_ bytes: [UInt8]) {
        let pairs = FormBody.parse(bytes)
        let written = BodySelector.passthrough.form(from: pairs)
        FuzzCheck.require(FormBody.parse(written) == pairs, "form: pairs written as a form read back differently")
        if let first = pairs.first {
            let event = InboundEvent(source: .webhook(path: "/fuzz"), route: "fuzz", body: bytes, receivedAtMillis: 0)
            if let id = try? EventIDSelector(source: .form, path: first.name).eventID(in: event, form: pairs) {
                FuzzCheck.requireValidID(id, "form \(first.name)")
            }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let encoded = PercentEncoding.encode(text)
        FuzzCheck.require(PercentEncoding.decode(Substring(encoded), plusAsSpace: true) == text, "form: percent-encoding did not decode back (form)")
        FuzzCheck.require(PercentEncoding.decode(Substring(encoded), plusAsSpace: false) == text, "form: percent-encoding did not decode back (query)")
        _ = PercentEncoding.decode(Substring(text), plusAsSpace: false)
    }

    /// The "now"s a `Retry-After` is read against (chosen by the first byte): the test clock, 1970, and 9999-12-31.
    static let nows: [Int64] = [1_800_000_000_000, 0, 253_402_300_799_000]

    /// One byte choosing now, then the header value: the wait is never negative and never beyond `maximumWait`.
    @Sendable static func retryAfter(_ bytes: [UInt8]) {
        let now = nows[Int(bytes.first ?? 0) % nows.count]
        let value = String(decoding: bytes.dropFirst(), as: UTF8.self)
        guard let wait = RetryAfter.parse(value, nowMillis: now) else { return }
        FuzzCheck.require(wait >= .zero && wait <= RetryAfter.maximumWait, "retry-after: a wait of \(wait) for '\(value)'")
    }

    /// A timestamp as providers sign it: every reader returns; an RFC 3339 time printed back in UTC reads the same.
    @Sendable static func timestamps(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let window = TimestampWindow(clock: ManualClock(startMillis: PluginSecrets.nowMillis))
        if let seconds = Timestamps.unixSeconds(text) {
            FuzzCheck.require(Timestamps.unixMillis(text).map { $0 * 1000 } == seconds, "timestamps: seconds and milliseconds of '\(text)' disagree")
            _ = window.rejection(signedAtMillis: seconds)
        }
        if let millis = Timestamps.unixMillis(text) { _ = window.rejection(signedAtMillis: millis) }
        guard let millis = Timestamps.iso8601(text) else { return }
        _ = window.rejection(signedAtMillis: millis)
        // Years 0000–9999 shifted by at most a day of offset.
        FuzzCheck.require(millis >= -62_167_305_600_000 && millis <= 253_402_387_199_999, "timestamps: '\(text)' read as \(millis) ms")
        if let printed = CivilTime.rfc3339(millis: millis) {
            FuzzCheck.require(Timestamps.iso8601(printed) == millis, "timestamps: '\(text)' is \(millis) ms, printed back as '\(printed)' it is not")
        }
    }
}
