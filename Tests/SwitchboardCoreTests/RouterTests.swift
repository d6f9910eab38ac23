import Testing
@testable import SwitchboardCore

@Suite("Router")
struct RouterTests {
    static let routes = [
        RouteConfig(name: "stripe", source: .webhook("/hooks/stripe"), condition: nil, integration: "payments", position: nil, sourcePosition: nil, path: "routes[0]"),
        RouteConfig(name: "confirmed", source: .kafka("crm.bookings"), condition: RouteCondition(subject: .header("event-type"), equals: "booking.confirmed"), integration: "bookings", position: nil, sourcePosition: nil, path: "routes[1]"),
        RouteConfig(name: "vip", source: .kafka("crm.bookings"), condition: RouteCondition(subject: .json("customer.tier"), equals: "vip"), integration: "vip", position: nil, sourcePosition: nil, path: "routes[2]"),
    ]

    @Test("a webhook path finds its route; a trailing slash and a query string do not matter")
    func webhookPaths() {
        let router = Router(routes: Self.routes)
        #expect(router.webhook(path: "/hooks/stripe")?.integration == "payments")
        #expect(router.webhook(path: "/hooks/stripe/")?.integration == "payments")
        #expect(router.webhook(path: "/hooks/other") == nil)
    }

    @Test("Kafka routes match on a header or a JSON field; the first match wins")
    func kafkaConditions() {
        let router = Router(routes: Self.routes)
        let confirmed = InboundEvent(source: .kafka(topic: "crm.bookings", partition: 0, offset: 1), route: "", headers: [Header("Event-Type", "booking.confirmed")], body: Array("{}".utf8), receivedAtMillis: 0)
        #expect(router.kafka(topic: "crm.bookings", event: confirmed)?.route == "confirmed")
        let vip = InboundEvent(source: .kafka(topic: "crm.bookings", partition: 0, offset: 2), route: "", body: Array(#"{"customer":{"tier":"vip"}}"#.utf8), receivedAtMillis: 0)
        #expect(router.kafka(topic: "crm.bookings", event: vip)?.route == "vip")
        let neither = InboundEvent(source: .kafka(topic: "crm.bookings", partition: 0, offset: 3), route: "", body: Array("not json".utf8), receivedAtMillis: 0)
        #expect(router.kafka(topic: "crm.bookings", event: neither) == nil)
    }
}
