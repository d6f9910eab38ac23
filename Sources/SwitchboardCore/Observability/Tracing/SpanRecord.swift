/// One finished span, as the exporter sends it: ids, name, kind, times, attributes and status.
public struct SpanRecord: Sendable {
    /// What kind of work the span is (OTLP's `SpanKind`).
    public enum Kind: Int, Sendable {
        case `internal` = 1, server = 2, client = 3, producer = 4, consumer = 5
    }

    /// An attribute's value.
    public enum Value: Sendable, Equatable {
        case string(String), int(Int64), double(Double), bool(Bool)
    }

    public var traceID: String
    public var spanID: String
    /// The span it belongs under (the caller's, or Switchboard's own), if any.
    public var parentSpanID: String?
    public var name: String
    public var kind: Kind
    public var startNanos: UInt64
    public var endNanos: UInt64
    public var attributes: [(String, Value)]
    /// nil: unset; true: an error, with `statusMessage`.
    public var failed: Bool?
    public var statusMessage: String?
}

/// Where finished spans go (the OTLP exporter); must not block.
public protocol SpanExporting: Sendable {
    /// Takes one finished span.
    func export(_ span: SpanRecord)
}
