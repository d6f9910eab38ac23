import Tracing

/// The tracer behind Switchboard's spans (receive, journal, each attempt, the outcome), through
/// swift-distributed-tracing's `Tracer` protocol: a span's parent is the `TraceContext` in the context it starts
/// from (the caller's `traceparent`), and every finished span goes to `exporter`. Only made when `tracing:` is
/// configured: without it no span is started at all.
public final class SwitchboardTracer: Tracer, Sendable {
    public typealias Span = SwitchboardSpan

    private let exporter: any SpanExporting

    /// Sends finished spans to `exporter`.
    public init(exporter: any SpanExporting) {
        self.exporter = exporter
    }

    /// Starts a span under `parent` (a new trace when nil): the common way in, without building a context.
    public func startSpan(_ name: String, parent: TraceContext?, ofKind kind: SpanKind, spanID: String? = nil) -> SwitchboardSpan {
        guard let spanID else {
            var context = InstrumentationContext.topLevel
            context.trace = parent
            return startSpan(name, context: context, ofKind: kind, at: DefaultTracerClock.now, function: #function, file: #fileID, line: #line)
        }
        return makeSpan(name, parent: parent, kind: SpanRecord.Kind(kind), spanID: spanID, startNanos: DefaultTracerClock.now.nanosecondsSinceEpoch)
    }

    public func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> InstrumentationContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> SwitchboardSpan {
        makeSpan(operationName, parent: context().trace, kind: SpanRecord.Kind(kind), spanID: TraceContext.newSpanID(), startNanos: instant().nanosecondsSinceEpoch)
    }

    private func makeSpan(_ name: String, parent: TraceContext?, kind: SpanRecord.Kind, spanID: String, startNanos: UInt64) -> SwitchboardSpan {
        let own = TraceContext(
            traceID: parent?.traceID ?? TraceContext.start().traceID, parentSpanID: spanID,
            flags: parent?.flags ?? "01", state: parent?.state
        )
        return SwitchboardSpan(name: name, kind: kind, trace: own, parentSpanID: parent?.parentSpanID, startNanos: startNanos, exporter: exporter)
    }

    public func startAnySpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> InstrumentationContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> any Tracing.Span {
        startSpan(operationName, context: context(), ofKind: kind, at: instant(), function: function, file: fileID, line: line)
    }

    public func activeSpan(identifiedBy context: InstrumentationContext) -> SwitchboardSpan? { nil }

    public func forceFlush() {}

    public func inject<Carrier, Inject: Injector>(_ context: InstrumentationContext, into carrier: inout Carrier, using injector: Inject)
    where Inject.Carrier == Carrier {
        guard let trace = context.trace else { return }
        injector.inject(trace.traceparent, forKey: TraceContext.parentHeader, into: &carrier)
        if let state = trace.state { injector.inject(state, forKey: TraceContext.stateHeader, into: &carrier) }
    }

    public func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout InstrumentationContext, using extractor: Extract)
    where Extract.Carrier == Carrier {
        guard let parent = extractor.extract(key: TraceContext.parentHeader, from: carrier), var trace = TraceContext.parse(parent) else { return }
        trace.state = extractor.extract(key: TraceContext.stateHeader, from: carrier).flatMap { TraceContext.isAcceptableState($0) ? $0 : nil }
        context.trace = trace
    }
}

/// The context key under which a span's `TraceContext` travels.
private enum TraceContextKey: InstrumentationContextKey {
    typealias Value = TraceContext
}

extension InstrumentationContext {
    /// The trace context: what a span started from this context continues.
    public var trace: TraceContext? {
        get { self[TraceContextKey.self] }
        set { self[TraceContextKey.self] = newValue }
    }
}

extension SpanRecord.Kind {
    init(_ kind: SpanKind) {
        switch kind {
        case .server: self = .server
        case .client: self = .client
        case .producer: self = .producer
        case .consumer: self = .consumer
        default: self = .internal
        }
    }
}
