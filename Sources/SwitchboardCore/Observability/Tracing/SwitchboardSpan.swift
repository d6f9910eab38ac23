import Synchronization
import Tracing

/// One span Switchboard records; its `trace` is what the work under it continues (its own id as the parent).
/// Ended once: a second `end` is ignored.
public final class SwitchboardSpan: Tracing.Span, Sendable {
    private struct State {
        var name: String
        var attributes = SpanAttributes()
        var status: SpanStatus?
        var ended = false
    }

    /// This span's trace context: the trace id, and this span's id as the parent of what it hands work to.
    public let trace: TraceContext
    private let kind: SpanRecord.Kind
    private let parentSpanID: String?
    private let startNanos: UInt64
    private let exporter: any SpanExporting
    private let state: Mutex<State>

    init(name: String, kind: SpanRecord.Kind, trace: TraceContext, parentSpanID: String?, startNanos: UInt64, exporter: any SpanExporting) {
        self.trace = trace
        self.kind = kind
        self.parentSpanID = parentSpanID
        self.startNanos = startNanos
        self.exporter = exporter
        self.state = Mutex(State(name: name))
    }

    /// This span's id.
    public var spanID: String { trace.parentSpanID }

    public var context: InstrumentationContext {
        var context = InstrumentationContext.topLevel
        context.trace = trace
        return context
    }

    public var operationName: String {
        get { state.withLock { $0.name } }
        set { state.withLock { $0.name = newValue } }
    }

    public var attributes: SpanAttributes {
        get { state.withLock { $0.attributes } }
        set { state.withLock { $0.attributes = newValue } }
    }

    public var isRecording: Bool { !state.withLock { $0.ended } }

    public func setStatus(_ status: SpanStatus) {
        state.withLock { $0.status = status }
    }

    public func addEvent(_ event: SpanEvent) {}

    public func addLink(_ link: SpanLink) {}

    public func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant) {
        setStatus(SpanStatus(code: .error, message: "\(error)"))
    }

    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        let finished: State? = state.withLock { state in
            guard !state.ended else { return nil }
            state.ended = true
            return state
        }
        guard let finished else { return }
        var attributes: [(String, SpanRecord.Value)] = []
        finished.attributes.forEach { name, value in attributes.append((name, SpanRecord.Value(value))) }
        exporter.export(SpanRecord(
            traceID: trace.traceID, spanID: spanID, parentSpanID: parentSpanID, name: finished.name, kind: kind,
            startNanos: startNanos, endNanos: max(startNanos, instant().nanosecondsSinceEpoch),
            attributes: attributes.sorted { $0.0 < $1.0 },
            failed: finished.status.map { $0.code == .error }, statusMessage: finished.status?.message
        ))
    }
}

extension SpanRecord.Value {
    init(_ attribute: SpanAttribute) {
        switch attribute {
        case .int32(let value): self = .int(Int64(value))
        case .int64(let value): self = .int(value)
        case .double(let value): self = .double(value)
        case .bool(let value): self = .bool(value)
        case .string(let value): self = .string(value)
        default: self = .string("\(attribute)")
        }
    }
}
