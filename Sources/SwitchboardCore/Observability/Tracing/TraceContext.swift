/// A W3C Trace Context (`traceparent`, `tracestate`) an event carries from its caller to every External Events
/// request made for it, so a trace started by a CRM or a Kafka producer continues through Switchboard.
///
/// `traceparent` is `00-<trace id: 32 hex>-<parent span id: 16 hex>-<flags: 2 hex>`. A header that is not valid
/// (wrong length, upper-case hex, all-zero ids, version `ff`) is ignored and a new trace is started, as the
/// specification asks; `tracestate` is passed on only with a valid `traceparent`.
public struct TraceContext: Sendable, Hashable {
    /// The trace's id: 32 lower-case hex digits, not all zero.
    public var traceID: String
    /// The span that handed the event over (the caller's, or Switchboard's own receive span): 16 hex digits.
    public var parentSpanID: String
    /// The trace flags (`01`: sampled).
    public var flags: String
    /// The vendors' `tracestate`, passed on as it came (at most 512 bytes of printable ASCII), if any.
    public var state: String?

    /// The header names, lower case.
    public static let parentHeader = "traceparent"
    /// The `tracestate` header name, lower case.
    public static let stateHeader = "tracestate"

    /// Makes a context from its parts (already valid).
    public init(traceID: String, parentSpanID: String, flags: String = "01", state: String? = nil) {
        self.traceID = traceID
        self.parentSpanID = parentSpanID
        self.flags = flags
        self.state = state
    }

    /// A new trace, sampled: what an event without a (valid) `traceparent` gets.
    public static func start() -> TraceContext {
        TraceContext(traceID: randomHex(bytes: 16), parentSpanID: randomHex(bytes: 8))
    }

    /// The context in `headers` (names in any case), or nil when there is no valid `traceparent`.
    public init?(headers: [Header]) {
        guard let parent = headers.first(named: Self.parentHeader), let parsed = Self.parse(parent) else { return nil }
        self = parsed
        if let state = headers.first(named: Self.stateHeader), Self.isAcceptableState(state) { self.state = state }
    }

    /// Parses a `traceparent` value; nil when it is not valid.
    public static func parse(_ value: String) -> TraceContext? {
        let text = Array(value.utf8)
        // Version 00 is exactly 55 characters; a later version may append fields after a dash.
        guard text.count >= 55, text[2] == UInt8(ascii: "-"), text[35] == UInt8(ascii: "-"), text[52] == UInt8(ascii: "-") else { return nil }
        let version = text[0..<2], trace = text[3..<35], span = text[36..<52], flags = text[53..<55]
        guard [version, trace, span, flags].allSatisfy(isLowerHex) else { return nil }
        guard version.elementsEqual("ff".utf8) == false else { return nil }
        if version.elementsEqual("00".utf8), text.count != 55 { return nil }
        if text.count > 55, text[55] != UInt8(ascii: "-") { return nil }
        guard trace.contains(where: { $0 != UInt8(ascii: "0") }), span.contains(where: { $0 != UInt8(ascii: "0") }) else { return nil }
        return TraceContext(
            traceID: String(decoding: trace, as: UTF8.self), parentSpanID: String(decoding: span, as: UTF8.self),
            flags: String(decoding: flags, as: UTF8.self)
        )
    }

    /// The `traceparent` value naming `spanID` as the parent of what receives it.
    public func traceparent(spanID: String) -> String {
        "00-\(traceID)-\(spanID)-\(flags)"
    }

    /// The `traceparent` as it came (naming `parentSpanID`).
    public var traceparent: String { traceparent(spanID: parentSpanID) }

    /// The headers that pass the context on, with `spanID` as the parent.
    public func headers(spanID: String) -> [Header] {
        var headers = [Header(Self.parentHeader, traceparent(spanID: spanID))]
        if let state { headers.append(Header(Self.stateHeader, state)) }
        return headers
    }

    /// A new span id: 16 hex digits, not all zero.
    public static func newSpanID() -> String {
        randomHex(bytes: 8)
    }

    private static func isLowerHex(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }

    /// A `tracestate` Switchboard passes on: short, printable ASCII (no control character can reach a header).
    static func isAcceptableState(_ value: String) -> Bool {
        value.utf8.count <= 512 && value.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    private static func randomHex(bytes count: Int) -> String {
        TraceIDGenerator.hex(words: count / 8)
    }
}

extension InboundEvent {
    /// The trace this event belongs to: its caller's `traceparent`, or nil.
    public var trace: TraceContext? { TraceContext(headers: headers) }

    /// The event with a valid `traceparent` among its headers: `span`'s (Switchboard's receive span) when given,
    /// else the caller's, else a new trace's (an invalid one and its `tracestate` are replaced). Journalled with the
    /// event, so the trace survives a restart.
    public func tracing(under span: TraceContext? = nil) -> InboundEvent {
        if span == nil, TraceContext(headers: headers) != nil { return self }
        let context = span ?? TraceContext.start()
        var copy = self
        copy.headers.removeAll { $0.name.lowercased() == TraceContext.parentHeader || $0.name.lowercased() == TraceContext.stateHeader }
        copy.headers.append(Header(TraceContext.parentHeader, context.traceparent))
        if let state = context.state { copy.headers.append(Header(TraceContext.stateHeader, state)) }
        return copy
    }
}
