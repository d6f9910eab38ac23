import DequeModule
import Logging
import Metrics
import ServiceLifecycle
import Synchronization
import SwitchboardCore

/// Sends finished spans to an OTLP/HTTP collector (`tracing.otlp`), as OTLP JSON posted to `/v1/traces`: in batches
/// every `interval` (or once `batchSize` spans wait), and a last time on shutdown.
///
/// Telemetry never holds delivery up: at most `capacity` spans wait (the oldest are dropped beyond that), a batch
/// the collector refuses or cannot take is dropped after one try (with what waits behind it, until the next
/// interval, so a dead collector costs one timeout per interval and at shutdown), and both are counted
/// (`switchboard_trace_spans_dropped_total{cause}`) and logged at most once a minute.
public final class OTLPTraceExporter: SpanExporting, Service, Sendable {
    private struct Buffer {
        var spans: Deque<SpanRecord> = []
        var dropped = 0
    }

    private let url: String
    private let serviceName: String
    private let client: CurlHTTPClient
    private let interval: Duration
    private let batchSize: Int
    private let capacity: Int
    private let logger: Logger
    private let buffer = Mutex(Buffer())
    private let wake: AsyncStream<Void>
    private let wakeUp: AsyncStream<Void>.Continuation
    private let lastWarning = Mutex<ContinuousClock.Instant?>(nil)

    /// Exports to `url` (the collector's `/v1/traces`) as `serviceName`, through `client`.
    public init(
        url: String, serviceName: String, client: CurlHTTPClient, interval: Duration = .seconds(1), batchSize: Int = 512,
        capacity: Int = 8192, logger: Logger
    ) {
        self.url = url
        self.serviceName = serviceName
        self.client = client
        self.interval = interval
        self.batchSize = batchSize
        self.capacity = capacity
        self.logger = logger
        (wake, wakeUp) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        // Both series exist from the start, at 0, so a dashboard sees them before anything is dropped.
        Self.droppedSpans(cause: "full").increment(by: 0)
        Self.droppedSpans(cause: "export").increment(by: 0)
    }

    public func export(_ span: SpanRecord) {
        let (count, dropped) = buffer.withLock { buffer -> (Int, Bool) in
            buffer.spans.append(span)
            guard buffer.spans.count > capacity else { return (buffer.spans.count, false) }
            buffer.spans.removeFirst()
            buffer.dropped += 1
            return (buffer.spans.count, true)
        }
        if dropped { Self.droppedSpans(cause: "full").increment() }
        if count >= batchSize { wakeUp.yield() }
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in self.wake { await self.flush() }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: self.interval)
                        self.wakeUp.yield()
                    }
                }
                await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.wakeUp.finish()
        }
        // The spans of the last events (the lanes stop before this service).
        await flush()
    }

    /// Posts every waiting span, `batchSize` at a time.
    public func flush() async {
        while true {
            let batch = buffer.withLock { buffer -> [SpanRecord] in
                let batch = Array(buffer.spans.prefix(batchSize))
                buffer.spans.removeFirst(batch.count)
                return batch
            }
            guard !batch.isEmpty else { return }
            let body = Array(OTLPJSON.traces(batch, serviceName: serviceName).utf8)
            do {
                let response = try await client.send(HTTPClientRequest(
                    url: url, headers: [HTTPHeader("Content-Type", "application/json")], body: body, timeout: .seconds(5)
                ))
                    if !(200..<300).contains(response.status) {
                    drop(batch.count, why: "the collector answered \(response.status)")
                    return
                }
            } catch {
                drop(batch.count, why: "the collector could not be reached: \(error)")
                return
            }
        }
    }

    private func drop(_ count: Int, why: String) {
        Self.droppedSpans(cause: "export").increment(by: Int64(count))
        let now = ContinuousClock.now
        let due = lastWarning.withLock { last -> Bool in
            guard last.map({ now - $0 >= .seconds(60) }) ?? true else { return false }
            last = now
            return true
        }
        if due {
            logger.warning("spans not exported (telemetry only: delivery goes on)", metadata: [
                "switchboard.count": .stringConvertible(count), LogKey.error: .string(why),
            ])
        }
    }

    private static func droppedSpans(cause: String) -> Counter {
        Counter(label: "switchboard_trace_spans_dropped_total", dimensions: [("cause", cause)])
    }
}

/// OTLP's JSON encoding of spans (`ExportTraceServiceRequest`): ids in hex, times as strings of nanoseconds.
enum OTLPJSON {
    static func traces(_ spans: [SpanRecord], serviceName: String) -> String {
        var text = #"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"\#(TextEscaping.json(serviceName))"}}]},"#
        text += #""scopeSpans":[{"scope":{"name":"switchboard"},"spans":["#
        text += spans.map(span).joined(separator: ",")
        text += "]}]}]}"
        return text
    }

    private static func span(_ span: SpanRecord) -> String {
        var text = #"{"traceId":"\#(span.traceID)","spanId":"\#(span.spanID)","#
        if let parent = span.parentSpanID { text += #""parentSpanId":"\#(parent)","# }
        text += #""name":"\#(TextEscaping.json(span.name))","kind":\#(span.kind.rawValue),"#
        text += #""startTimeUnixNano":"\#(span.startNanos)","endTimeUnixNano":"\#(span.endNanos)","#
        text += #""attributes":["# + span.attributes.map(attribute).joined(separator: ",") + "]"
        if let failed = span.failed {
            text += #","status":{"code":\#(failed ? 2 : 1)"#
            if let message = span.statusMessage { text += #","message":"\#(TextEscaping.json(message))""# }
            text += "}"
        }
        return text + "}"
    }

    private static func attribute(_ pair: (String, SpanRecord.Value)) -> String {
        let value: String
        switch pair.1 {
        case .string(let string): value = #"{"stringValue":"\#(TextEscaping.json(string))"}"#
        case .int(let int): value = #"{"intValue":"\#(int)"}"#
        case .double(let double): value = double.isFinite ? #"{"doubleValue":\#(double)}"# : #"{"stringValue":"\#(double)"}"#
        case .bool(let bool): value = #"{"boolValue":\#(bool)}"#
        }
        return #"{"key":"\#(TextEscaping.json(pair.0))","value":\#(value)}"#
    }
}
