import Foundation
import Testing
@testable import SwitchboardCore

@Suite("Configuration: routes")
struct ConfigRouteErrorTests {
    /// `minimal` with its routes block replaced by `routes` (written from column 1).
    static func withRoutes(_ routes: String, kafka: Bool = false) -> String {
        let head = ConfigFixture.minimal.split(separator: "\n").prefix(8).joined(separator: "\n")
        let kafkaBlock = kafka ? "\nkafka: { brokers: [localhost:9092], group_id: sb }" : ""
        return head + kafkaBlock + "\n" + routes
    }

    @Test("a route to an unknown integration is an error at `to`, with a suggestion")
    func unknownIntegration() {
        let result = ConfigFixture.load(Self.withRoutes("""
            routes:
              - from: { webhook: /hooks/stripe }
                to: paymnets
            """))
        #expect(result.printed == [
            "/srv/switchboard/q.yaml:5:3: warning: integrations.payments: no route sends events to this integration",
            "/srv/switchboard/q.yaml:11:9: error: routes[0].to: no integration is named 'paymnets' (did you mean 'payments'?)",
        ])
    }

    @Test("two routes on one webhook path is an error at the second")
    func duplicateWebhookPath() {
        let result = ConfigFixture.load(Self.withRoutes("""
            routes:
              - from: { webhook: /hooks/stripe }
                to: payments
              - from: { webhook: /hooks/stripe }
                when: { header: x-kind, equals: refund }
                to: payments
            """))
        #expect(result.printed == [
            "/srv/switchboard/q.yaml:12:22: error: routes[1].from.webhook: two routes on the same webhook path: routes[0] already receives it",
        ])
    }

    @Test("a webhook path must start with a slash")
    func webhookPathSlash() {
        let result = ConfigFixture.load(Self.withRoutes("routes:\n  - from: { webhook: hooks/stripe }\n    to: payments"))
        #expect(result.printed == [
            "/srv/switchboard/q.yaml:10:22: error: routes[0].from.webhook: a webhook path starts with '/', such as /hooks/stripe",
        ])
    }

    @Test("from needs exactly one of webhook and kafka")
    func fromExactlyOne() {
        let neither = ConfigFixture.load(Self.withRoutes("routes:\n  - from: {}\n    to: payments"))
        #expect(neither.printed == [
            "/srv/switchboard/q.yaml:10:11: error: routes[0].from: set webhook (a path) or kafka (a topic)",
        ])
        let both = ConfigFixture.load(Self.withRoutes(
            "routes:\n  - from: { webhook: /a, kafka: crm }\n    to: payments",
            kafka: true
        ))
        #expect(both.printed == [
            "/srv/switchboard/q.yaml:11:33: error: routes[0].from.kafka: set either webhook or kafka, not both",
        ])
    }

    @Test("a kafka route without a kafka block is an error at the topic")
    func kafkaRouteWithoutKafka() {
        let result = ConfigFixture.load(Self.withRoutes("routes:\n  - from: { kafka: crm.bookings }\n    to: payments"))
        #expect(result.printed == [
            "/srv/switchboard/q.yaml:10:20: error: routes[0].from.kafka: a kafka route needs the top-level kafka block (brokers, group_id)",
        ])
        let badTopic = ConfigFixture.load(Self.withRoutes(
            "routes:\n  - from: { kafka: crm/bookings }\n    to: payments",
            kafka: true
        ))
        #expect(badTopic.errors.map(\.message) == ["Kafka topic names use 1 to 249 of a-z, A-Z, 0-9, '.', '_' and '-'"])
    }

    @Test("when needs exactly one subject and a value to equal")
    func whenSubjects() {
        let two = ConfigFixture.load(Self.withRoutes("""
            routes:
              - from: { webhook: /a }
                when: { header: event-type, json: type, equals: paid }
                to: payments
            """))
        #expect(two.printed == [
            "/srv/switchboard/q.yaml:11:39: error: routes[0].when.json: set only one of header, json or message_key",
        ])
        let none = ConfigFixture.load(Self.withRoutes("""
            routes:
              - from: { webhook: /a }
                when: { equals: paid }
                to: payments
            """))
        #expect(none.printed == [
            "/srv/switchboard/q.yaml:11:11: error: routes[0].when: set one of header, json or message_key",
        ])
        let noEquals = ConfigFixture.load(Self.withRoutes("""
            routes:
              - from: { webhook: /a }
                when: { json: data..type }
                to: payments
            """))
        #expect(noEquals.printed == [
            "/srv/switchboard/q.yaml:11:11: error: routes[0].when.equals: missing required key",
            "/srv/switchboard/q.yaml:11:19: error: routes[0].when.json: expected a dotted path such as data.object.status",
        ])
    }

    @Test("message_key is only for kafka routes, and only as true")
    func messageKey() {
        let onWebhook = ConfigFixture.load(Self.withRoutes("""
            routes:
              - from: { webhook: /a }
                when: { message_key: true, equals: vip }
                to: payments
            """))
        #expect(onWebhook.printed == [
            "/srv/switchboard/q.yaml:11:26: error: routes[0].when.message_key: message_key applies only to kafka routes",
        ])
        let notTrue = ConfigFixture.load(Self.withRoutes("""
            routes:
              - from: { kafka: crm }
                when: { message_key: yes, equals: vip }
                to: payments
            """, kafka: true))
        #expect(notTrue.printed == [
            "/srv/switchboard/q.yaml:12:26: error: routes[0].when.message_key: expected true or false",
        ])
    }

    @Test("an integration no route uses is a warning")
    func unusedIntegration() {
        let yaml = ConfigFixture.minimal.replacingOccurrences(
            of: "routes:",
            with: "  spare:\n    plugin: mapping\n    project_id: PROJECT-2\n    key: { env: K2 }\nroutes:"
        )
        let result = ConfigFixture.load(yaml)
        #expect(result.printed == [
            "/srv/switchboard/q.yaml:9:3: warning: integrations.spare: no route sends events to this integration",
        ])
        #expect(result.config?.integrations.map(\.name) == ["payments", "spare"])
    }
}
