import Testing
import SwitchboardCore

@Suite("EventTap: filters, bounded buffers, the JSON line")
struct EventTapTests {
    static func entry(_ integration: String = "bookings", route: String = "webhook:/hooks/bookings", stage: EventTap.Stage = .received) -> EventTap.Entry {
        EventTap.Entry(atMillis: 1_796_173_323_456, integration: integration, route: route, eventID: "evt\n1", stage: stage, body: Array("{\"a\":\"\u{1B}\"}".utf8))
    }

    @Test("times are UTC with milliseconds, before 1970 too")
    func timestamps() {
        #expect(EventTap.Entry.timestamp(0) == "1970-01-01T00:00:00.000Z")
        #expect(EventTap.Entry.timestamp(1_796_173_323_456) == "2026-12-02T01:02:03.456Z")
        #expect(EventTap.Entry.timestamp(951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(EventTap.Entry.timestamp(-1) == "1969-12-31T23:59:59.999Z")
        _ = EventTap.Entry.timestamp(.min)
        _ = EventTap.Entry.timestamp(.max)
    }

    @Test("the body only when asked, escaped; control characters never raw")
    func json() {
        let line = Self.entry(stage: .attempt(number: 2, status: 503, error: "busy", latencyMillis: 41))
        let plain = line.json(bodies: false)
        #expect(plain == #"{"time":"2026-12-02T01:02:03.456Z","integration":"bookings","route":"webhook:/hooks/bookings","event_id":"evt\n1","stage":"attempt","attempt":2,"status":503,"error":"busy","latency_ms":41}"#)
        let withBody = line.json(bodies: true)
        #expect(withBody.contains(#""body":"{\"a\":\"\u001b\"}""#) || withBody.contains(#""body":"{\"a\":\"\u001B\"}""#), "\(withBody)")
        #expect(!withBody.unicodeScalars.contains { $0.value < 0x20 })
    }

    @Test("filters by integration and route (name or path); a full buffer drops and counts, never blocks")
    func filtersAndDrops() async {
        let tap = EventTap()
        #expect(!tap.hasSubscribers)
        var built = false
        tap.publish({ built = true; return Self.entry() }())
        #expect(!built, "without subscribers the entry is never built")

        let byPath = tap.subscribe(EventTap.Filter(route: "/hooks/bookings"), capacity: 2)
        let other = tap.subscribe(EventTap.Filter(integration: "orders"))
        #expect(tap.hasSubscribers)
        for _ in 0..<5 { tap.publish(Self.entry()) }
        tap.publish(Self.entry("orders", route: "kafka:orders"))
        #expect(byPath.takeDropped() == 3)
        #expect(byPath.takeDropped() == 0)
        byPath.cancel()
        other.cancel()
        #expect(!tap.hasSubscribers)
        var kept = 0
        for await message in byPath.messages {
            if case .entry = message { kept += 1 }
        }
        #expect(kept == 2)
        var others: [String] = []
        for await message in other.messages {
            if case .entry(let entry) = message { others.append(entry.route) }
        }
        #expect(others == ["kafka:orders"])
    }

    @Test("closing ends every stream and later ones at once")
    func close() async {
        let tap = EventTap()
        let first = tap.subscribe(EventTap.Filter())
        tap.close()
        for await _ in first.messages {}
        let late = tap.subscribe(EventTap.Filter())
        #expect(!tap.hasSubscribers)
        for await _ in late.messages {}
    }
}
