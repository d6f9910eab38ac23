import Foundation
import Logging
import Testing
import SwitchboardCore
import SwitchboardBridge
import SwitchboardKafka

@Suite("Webhooks journalled into Kafka (webhook.journal: kafka)")
struct KafkaWebhookJournalTests {
    /// A webhook route journalled into Kafka; without `bootstrap` the configuration has no `kafka:` block.
    static func yaml(endpoint: String, bootstrap: String?, group: String = "webhooks") -> String {
        """
        polyai: { endpoint: \(endpoint), account_id: ws-test }
        listen: 127.0.0.1:0
        admin: 127.0.0.1:0
        journal: { path: \(temporaryDirectory()) }
        webhook: { journal: kafka, topic: switchboard.webhooks, ack_timeout: 1s }
        \(bootstrap.map { "kafka: { brokers: [\($0)], group_id: \(group), options: { session.timeout.ms: \"6000\", auto.commit.interval.ms: \"200\" } }" } ?? "")
        integrations:
          bookings:
            plugin: mapping
            project_id: PROJECT-TEST
            key: { env: TEST_KEY_BOOKINGS, agents: [PROJECT-TEST], permissions: [external_events] }
            options: { event_id: { from: json, path: cid } }
            retry: { max_attempts: 5, base: 50ms, cap: 200ms, deadline: 55m }
        routes:
          - from: { webhook: /hooks/bookings }
            to: bookings
        """
    }

    @Test("a request its integration maps to no events (an ignored event type) is acknowledged at once, producing nothing, even while the broker refuses records")
    func ignoredEventTypeProducesNothing() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: Logger(label: "test"))
        defer { cluster.shutdown() }
        try cluster.createTopic("switchboard.webhooks", partitions: 1)
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let secret = "zendesk-journal-secret-0009"
        let yaml = Self.yaml(endpoint: base, bootstrap: cluster.bootstrapServers, group: "ignored").replacingOccurrences(
            of: """
                plugin: mapping
                project_id: PROJECT-TEST
            """,
            with: """
                plugin: zendesk
                project_id: PROJECT-TEST
            """
        ).replacingOccurrences(
            of: "options: { event_id: { from: json, path: cid } }",
            with: #"options: { signing_secret: "\#(secret)", events: [zen:event-type:ticket.created] }"#
        )
        let bridge = try TestBridge(yaml: yaml, directory: temporaryDirectory())
        let url = await bridge.webhookURL + "/hooks/bookings"
        func signed(_ type: String, _ id: String) -> (String, [(String, String)]) {
            let stamp = ISO8601DateFormatter().string(from: Date())
            let body = #"{"type":"\#(type)","detail":{"external_id":"\#(id)"}}"#
            return (body, [
                ("Content-Type", "application/json"),
                ("X-Zendesk-Webhook-Signature", GenuineRequestTests.base64(.sha256, key: secret, Array((stamp + body).utf8))),
                ("X-Zendesk-Webhook-Signature-Timestamp", stamp),
            ])
        }
        // Any record produced now would fail (NOT_ENOUGH_REPLICAS): an ignored type must not need one.
        try cluster.pushRequestErrors(apiKey: 0, errorCodes: Array(repeating: 19, count: 30))
        let (ignoredBody, ignoredHeaders) = signed("zen:event-type:ticket.updated", "EXT-IGNORED")
        let ignored = try await curl(url, body: ignoredBody, headers: ignoredHeaders)
        #expect((200..<300).contains(ignored.status), "an ignored event type was not acknowledged: \(ignored.status) \(ignored.body)")
        var created: CurlReply?
        for _ in 0..<50 {
            let (body, headers) = signed("zen:event-type:ticket.created", "EXT-CREATED")
            created = try await curl(url, body: body, headers: headers)
            if created?.status == 202 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(created?.status == 202)
        #expect(await sink.waitForAccepted(1, seconds: 60))
        try await Task.sleep(for: .seconds(1))
        // (A 503 answered while the broker refused may still have its record written later: at least once, so the
        // created ticket can arrive twice without a provider delivery id; the ignored one never arrives.)
        #expect(Set(sink.accepted.compactMap(\.eventID)) == ["EXT-CREATED"], "only the event type the integration takes is delivered")
        await bridge.stop()
    }

    @Test("202 only once the broker acknowledged the record; broker refusing the record → 503 with Retry-After; every accepted webhook delivered in order per conversation")
    func acknowledgedByTheBroker() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: Logger(label: "test"))
        defer { cluster.shutdown() }
        try cluster.createTopic("switchboard.webhooks", partitions: 2)
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let bridge = try TestBridge(yaml: Self.yaml(endpoint: base, bootstrap: cluster.bootstrapServers), directory: temporaryDirectory())
        let url = await bridge.webhookURL + "/hooks/bookings"
        let json = [("Content-Type", "application/json")]

        var accepted: [String] = []
        for n in 0..<6 {
            let body = #"{"cid":"conv-\#(n % 2)","n":\#(n)}"#
            let reply = try await curl(url, body: body, headers: json)
            #expect(reply.status == 202, "\(reply.body)")
            if reply.status == 202 { accepted.append(body) }
        }

        // The broker refuses Produce requests for a while (NOT_ENOUGH_REPLICAS, retriable): no acknowledgement within
        // ack_timeout. (Taking the mock's brokers down instead can abort librdkafka 2.0.2's mock while a JoinGroup
        // waits for its answer.)
        try cluster.pushRequestErrors(apiKey: 0, errorCodes: Array(repeating: 19, count: 30))
        let refused = try await httpRequest(bridge.client, url, body: #"{"cid":"conv-0","n":100}"#)
        #expect(refused.status == 503, "a webhook was acknowledged although the broker refused its record: \(String(decoding: refused.body, as: UTF8.self))")
        #expect(refused.headers.contains { $0.name.lowercased() == "retry-after" && $0.value == "5" })
        let readiness = try await httpRequest(bridge.client, await bridge.adminURL + "/readyz", method: "GET")
        #expect(String(decoding: readiness.body, as: UTF8.self).contains("webhook_journal_error"), "/readyz does not show the failure")

        var after: CurlReply?
        for _ in 0..<50 {
            after = try await curl(url, body: #"{"cid":"conv-1","n":6}"#, headers: json)
            if after?.status == 202 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(after?.status == 202)
        if after?.status == 202 { accepted.append(#"{"cid":"conv-1","n":6}"#) }

        let expected = accepted
        #expect(await waitUntil(seconds: 60) { Set(sink.accepted.map(\.bodyText)).isSuperset(of: expected) })
        for conversation in ["conv-0", "conv-1"] {
            var order: [String] = []
            for body in sink.accepted.map(\.bodyText) where body.contains(conversation) && !order.contains(body) { order.append(body) }
            #expect(order == accepted.filter { $0.contains(conversation) }, "\(conversation) out of order: \(order)")
        }
        await bridge.stop()
    }

    @Test("journal: kafka without a kafka block is refused by the configuration")
    func needsKafkaSettings() {
        let yaml = Self.yaml(endpoint: "http://127.0.0.1:9", bootstrap: nil)
        let loaded = ConfigLoader.load(yaml: yaml, file: "/tmp/switchboard.yaml", environment: ["TEST_KEY_BOOKINGS": "sk-x"])
        #expect(loaded.config == nil)
        #expect(loaded.issues.contains { "\($0)".contains("webhook.journal: kafka needs a kafka block") }, "\(loaded.issues)")
    }
}
