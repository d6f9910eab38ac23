import Foundation
import Logging
import Testing
import SwitchboardBridge
import SwitchboardCore
import SwitchboardKafka

/// Reloads that change which Kafka topics are routed, on librdkafka's mock cluster, while webhooks flow as well.
@Suite("Configuration reload: Kafka routes follow the file", .serialized)
struct ConfigReloadKafkaTests {
    static func yaml(endpoint: String, bootstrap: String, journal: String, topics: [String]) -> String {
        """
        polyai: { endpoint: \(endpoint), account_id: ws-test }
        listen: 127.0.0.1:0
        admin: 127.0.0.1:0
        journal: { path: \(journal) }
        kafka:
          brokers: [\(bootstrap)]
          group_id: reload
          options: { session.timeout.ms: "6000", auto.commit.interval.ms: "200" }
        integrations:
          bookings:
            plugin: mapping
            project_id: PROJECT-TEST
            key: { env: TEST_KEY_BOOKINGS, agents: [PROJECT-TEST], permissions: [external_events] }
            options: { event_id: { from: json, path: cid } }
            retry: { max_attempts: 5, base: 50ms, cap: 200ms, deadline: 55m }
        routes:
          - { from: { webhook: /hooks/bookings }, to: bookings }
        \(topics.map { "  - { from: { kafka: \($0) }, to: bookings }" }.joined(separator: "\n"))
        """
    }

    static func messages(_ prefix: String, _ range: ClosedRange<Int>) -> [(key: String, body: String)] {
        range.map { ("\(prefix)-\($0)", #"{"cid":"\#(prefix)-\#($0)"}"#) }
    }

    @Test("a topic's route added, then the other's removed: the new topic is consumed, the removed one no longer, its commits stay; webhooks flow throughout")
    func topicsFollowTheRoutes() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: Logger(label: "test"))
        defer { cluster.shutdown() }
        try cluster.createTopic("crm.a", partitions: 1)
        try cluster.createTopic("crm.b", partitions: 1)
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let journal = temporaryDirectory()
        let bootstrap = cluster.bootstrapServers
        try await KafkaBridgeTests.produce(bootstrap, topic: "crm.a", Self.messages("a", 1...20))
        try await KafkaBridgeTests.produce(bootstrap, topic: "crm.b", Self.messages("b", 1...20))
        let bridge = try TestBridge(yaml: Self.yaml(endpoint: base, bootstrap: bootstrap, journal: journal, topics: ["crm.a"]), directory: temporaryDirectory())
        let webhooks = ConfigReloadTests.WebhookStream(bridge: bridge, url: await bridge.webhookURL + "/hooks/bookings", prefix: "wh")
        #expect(await waitUntil(seconds: 60) { Set(sink.accepted.compactMap(\.eventID)).isSuperset(of: (1...20).map { "a-\($0)" }) })
        #expect(!sink.accepted.contains { $0.eventID?.hasPrefix("b-") == true }, "crm.b has no route yet")
        // The periodic commit (200 ms) lands first: the mock refuses commits while its group rebalances.
        try await Task.sleep(for: .seconds(1))

        try bridge.rewrite(Self.yaml(endpoint: base, bootstrap: bootstrap, journal: journal, topics: ["crm.a", "crm.b"]))
        let added = await bridge.bridge.reloader.reload(reason: "test")
        #expect(added == .applied(hash: bridge.bridge.reloader.fingerprint.hash))
        #expect(await waitUntil(seconds: 60) { Set(sink.accepted.compactMap(\.eventID)).isSuperset(of: (1...20).map { "b-\($0)" }) })

        try await Task.sleep(for: .seconds(1))
        try bridge.rewrite(Self.yaml(endpoint: base, bootstrap: bootstrap, journal: journal, topics: ["crm.b"]))
        guard case .applied = await bridge.bridge.reloader.reload(reason: "test") else {
            Issue.record("the reload removing crm.a was rejected: \(bridge.bridge.reloader.lastError ?? "")")
            return
        }
        // The rebalance the new subscription brings settles, then both topics get more messages.
        try await Task.sleep(for: .seconds(2))
        try await KafkaBridgeTests.produce(bootstrap, topic: "crm.a", Self.messages("a", 21...25))
        try await KafkaBridgeTests.produce(bootstrap, topic: "crm.b", Self.messages("b", 21...25))
        #expect(await waitUntil(seconds: 60) { Set(sink.accepted.compactMap(\.eventID)).isSuperset(of: (21...25).map { "b-\($0)" }) })
        try await Task.sleep(for: .seconds(1))
        #expect(!sink.accepted.contains { ["a-21", "a-22", "a-23", "a-24", "a-25"].contains($0.eventID ?? "") }, "crm.a is no longer consumed")
        let committed = try await KafkaBridgeTests.committedOffset(cluster, group: "reload", topic: "crm.a", reaching: 20)
        #expect(committed == 20, "crm.a's committed offset stays where its last route left it")

        let (sent, refused) = await webhooks.stop()
        #expect(refused.isEmpty, "webhooks refused during the reloads: \(refused)")
        #expect(await waitUntil(seconds: 30) { Set(sink.accepted.compactMap(\.eventID)).isSuperset(of: (1...sent).map { "wh-\($0)" }) })
        #expect(sink.accepted.filter { $0.eventID?.hasPrefix("a-") == true || $0.eventID?.hasPrefix("b-") == true }.count == 45, "no Kafka event posted twice")
        await bridge.stopGracefully()
    }
}
