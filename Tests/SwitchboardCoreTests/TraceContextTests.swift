import Foundation
import Synchronization
import Testing
import SwitchboardCore

@Suite("W3C trace context: traceparent and tracestate")
struct TraceContextTests {
    static let valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    @Test("a valid traceparent is read; what is passed on keeps the trace id and flags and names the new span")
    func validParent() throws {
        let context = try #require(TraceContext(headers: [Header("TraceParent", Self.valid), Header("tracestate", "congo=t61rcWkgMzE")]))
        #expect(context.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(context.parentSpanID == "00f067aa0ba902b7")
        #expect(context.state == "congo=t61rcWkgMzE")
        let passed = context.headers(spanID: "b7ad6b7169203331")
        #expect(passed.first(named: "traceparent") == "00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01")
        #expect(passed.first(named: "tracestate") == "congo=t61rcWkgMzE")
    }

    @Test("invalid values are ignored (a new trace starts instead)", arguments: [
        "", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01", "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
    ])
    func invalidParent(_ value: String) {
        #expect(TraceContext.parse(value) == nil)
        let event = InboundEvent(source: .webhook(path: "/x"), route: "x", headers: [Header("traceparent", value), Header("tracestate", "a=b")], body: [], receivedAtMillis: 0)
        let traced = event.tracing()
        let context = traced.trace
        #expect(context != nil)
        #expect(context?.state == nil, "a tracestate without a valid traceparent is dropped")
        #expect(traced.headers.filter { $0.name.lowercased() == "traceparent" }.count == 1)
    }

    @Test("a later version with more fields is read by its version 00 part")
    func futureVersion() throws {
        let context = try #require(TraceContext.parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-comes-next"))
        #expect(context.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(context.traceparent(spanID: "b7ad6b7169203331").hasPrefix("00-"))
    }

    @Test("a tracestate with a control character or past 512 bytes is not passed on")
    func hostileState() throws {
        let lines = try #require(TraceContext(headers: [Header("traceparent", Self.valid), Header("tracestate", "a=b\r\nX-Api-Key: x")]))
        #expect(lines.state == nil)
        let long = try #require(TraceContext(headers: [Header("traceparent", Self.valid), Header("tracestate", String(repeating: "a", count: 513))]))
        #expect(long.state == nil)
    }

    @Test("new traces and spans are valid and differ")
    func newIDs() {
        let first = TraceContext.start(), second = TraceContext.start()
        #expect(first.traceID != second.traceID)
        #expect(TraceContext.parse(first.traceparent) == TraceContext(traceID: first.traceID, parentSpanID: first.parentSpanID))
        #expect(TraceContext.newSpanID().count == 16)
        // Many ids from many threads at once: all valid W3C ids, none repeated.
        let made = Mutex<[TraceContext]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let contexts = (0..<2_000).map { _ in TraceContext.start() }
            made.withLock { $0 += contexts }
        }
        let contexts = made.withLock { $0 }
        #expect(contexts.allSatisfy { TraceContext.parse($0.traceparent) == $0 })
        #expect(Set(contexts.map(\.traceID) + contexts.map(\.parentSpanID)).count == 32_000)
    }
}
