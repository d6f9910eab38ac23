import Foundation
import Synchronization
import Logging
import Testing
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardBridge
import SwitchboardKafka

/// Kafka → Switchboard → a real HTTP sink, on librdkafka's mock cluster (real Kafka protocol on loopback).
@Suite("Kafka source end to end", .serialized)
struct KafkaBridgeTests {
    static func yaml(endpoint: String, bootstrap: String, group: String, topic: String, deadLetterTopic: String? = nil, retry: String = "{ max_attempts: 5, base: 50ms, cap: 200ms, deadline: 55m }") -> String {
        """
        polyai: { endpoint: \(endpoint), account_id: ws-test }
        listen: 127.0.0.1:0
        admin: 127.0.0.1:0
        journal: { path: \(temporaryDirectory()) }
        kafka:
          brokers: [\(bootstrap)]
          group_id: \(group)
          options: { session.timeout.ms: "6000", auto.commit.interval.ms: "200" }
        \(deadLetterTopic.map { "  dead_letter_topic: \($0)" } ?? "")
        integrations:
          bookings:
            plugin: mapping
            project_id: PROJECT-TEST
            key: { env: TEST_KEY_BOOKINGS, agents: [PROJECT-TEST], permissions: [external_events] }
            options: { event_id: { from: json, path: cid } }
            retry: \(retry)
        routes:
          - from: { kafka: \(topic) }
            to: bookings
        """
    }

    /// The group's committed offset of partition 0, polled (bounded) until it reaches `expected`.
    static func committedOffset(_ cluster: KafkaMockCluster, group: String, topic: String, reaching expected: Int64) async throws -> Int64? {
        let partition = KafkaTopicPartition(topic: topic, partition: 0)
        let configuration = KafkaConsumerConfiguration(brokers: [cluster.bootstrapServers], groupID: group, topics: [topic])
        var committed: Int64?
        for _ in 0..<100 {
            committed = try await KafkaConsumer.committedOffsets(configuration: configuration, partitions: [partition], logger: Logger(label: "test"))[partition]
            if committed == expected { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        return committed
    }

    static func produce(_ bootstrap: String, topic: String, _ messages: [(key: String, body: String)], timestampMillis: Int64? = nil) async throws {
        let producer = try KafkaProducer(brokers: [bootstrap], options: [:], logger: Logger(label: "test"))
        defer { producer.shutdown() }
        for message in messages {
            try await producer.send(topic: topic, key: Array(message.key.utf8), value: Array(message.body.utf8), headers: [], timestampMillis: timestampMillis)
        }
    }

    @Test("events across many keys and 4 partitions are each delivered, in order per key")
    func orderAcrossPartitions() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: Logger(label: "test"))
        defer { cluster.shutdown() }
        try cluster.createTopic("crm.bookings", partitions: 4)
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        for key in stride(from: 0, to: 20, by: 4) {
            sink.script("conv-\(key)", [.init(status: 503), .init(status: 201)])
        }
        var messages: [(key: String, body: String)] = []
        for sequence in 0..<10 {
            for key in 0..<20 {
                messages.append(("conv-\(key)", #"{"cid":"conv-\#(key)","seq":\#(sequence)}"#))
            }
        }
        try await Self.produce(cluster.bootstrapServers, topic: "crm.bookings", messages)
        let bridge = try TestBridge(yaml: Self.yaml(endpoint: base, bootstrap: cluster.bootstrapServers, group: "order", topic: "crm.bookings"), directory: temporaryDirectory())
        #expect(await sink.waitForAccepted(200, seconds: 60))
        for key in 0..<20 {
            let seen = sink.accepted.filter { $0.eventID == "conv-\(key)" }.map(\.bodyText)
            #expect(seen == (0..<10).map { #"{"cid":"conv-\#(key)","seq":\#($0)}"# }, "order broken for conv-\(key)")
        }
        await bridge.stop()
    }

    @Test("a key retrying holds the committed offset below its event while other keys are delivered; then it passes")
    func watermarkWaitsForTheSlowKey() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: Logger(label: "test"))
        defer { cluster.shutdown() }
        try cluster.createTopic("payments", partitions: 1)
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        sink.script("slow", [.init(status: 500)])
        try await Self.produce(cluster.bootstrapServers, topic: "payments", [
            ("a", #"{"cid":"fast-1"}"#), ("b", #"{"cid":"slow"}"#), ("c", #"{"cid":"fast-2"}"#), ("d", #"{"cid":"fast-3"}"#),
        ])
        let clock = ManualClock(startMillis: Int64(Date().timeIntervalSince1970 * 1000))
        let bridge = try TestBridge(
            yaml: Self.yaml(endpoint: base, bootstrap: cluster.bootstrapServers, group: "watermark", topic: "payments",
                            retry: "{ max_attempts: 5, base: 5s, cap: 5s, deadline: 55m }"),
            directory: temporaryDirectory(), clock: clock
        )
        #expect(await sink.waitForAccepted(3, seconds: 60))
        #expect(Set(sink.accepted.compactMap(\.eventID)) == ["fast-1", "fast-2", "fast-3"])
        let partition = KafkaTopicPartition(topic: "payments", partition: 0)
        let configuration = KafkaConsumerConfiguration(brokers: [cluster.bootstrapServers], groupID: "watermark", topics: ["payments"])
        // Offset 1 ("slow") has no outcome: the group's committed position reaches 1 and stays there.
        var held: Int64?
        for _ in 0..<100 where held == nil {
            held = try await KafkaConsumer.committedOffsets(configuration: configuration, partitions: [partition], logger: Logger(label: "test"))[partition]
            if held == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(held == 1)
        try await Task.sleep(for: .seconds(1))  // several commit intervals pass
        #expect(try await KafkaConsumer.committedOffsets(configuration: configuration, partitions: [partition], logger: Logger(label: "test"))[partition] == 1)

        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(5))
        #expect(await sink.waitForAccepted(4, seconds: 30))
        var committed: Int64?
        for _ in 0..<100 {
            committed = try await KafkaConsumer.committedOffsets(configuration: configuration, partitions: [partition], logger: Logger(label: "test"))[partition]
            if committed == 4 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(committed == 4)
        await bridge.stop()
    }

    @Test("permanent failures go to the dead-letter topic with their headers, and the watermark passes them")
    func deadLetterTopic() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: Logger(label: "test"))
        defer { cluster.shutdown() }
        try cluster.createTopic("bookings", partitions: 1)
        try cluster.createTopic("bookings.dlq", partitions: 1)
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        sink.script("gone", [.init(status: 400, body: #"{"error_message":"External event id not valid"}"#)])
        try await Self.produce(cluster.bootstrapServers, topic: "bookings", [
            ("k1", #"{"cid":"gone"}"#), ("k2", #"{"no":"id"}"#), ("k3", #"{"cid":"fine"}"#),
        ])
        let bridge = try TestBridge(
            yaml: Self.yaml(endpoint: base, bootstrap: cluster.bootstrapServers, group: "dlq", topic: "bookings", deadLetterTopic: "bookings.dlq"),
            directory: temporaryDirectory()
        )
        #expect(await sink.waitForAccepted(1, seconds: 60))

        let letters = DLQReader()
        let reader = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(brokers: [cluster.bootstrapServers], groupID: "dlq-reader", topics: ["bookings.dlq"], options: ["auto.offset.reset": "earliest"]),
            logger: Logger(label: "test")
        ) { letters.append($0) }
        let readerTask = Task { try await reader.run() }
        #expect(await waitUntil(seconds: 30) { letters.all.count >= 2 })
        reader.shutdown()
        _ = try? await readerTask.value

        let byReason = Dictionary(letters.all.map { (String(decoding: $0.header(named: "switchboard.reason")?.value ?? [], as: UTF8.self), $0) }, uniquingKeysWith: { first, _ in first })
        let rejected = try #require(byReason["rejected"])
        #expect(String(decoding: rejected.value, as: UTF8.self) == #"{"cid":"gone"}"#)
        #expect(rejected.header(named: "switchboard.last_status")?.value == Array("400".utf8))
        #expect(rejected.header(named: "switchboard.error_message")?.value == Array("External event id not valid".utf8))
        #expect(rejected.header(named: "switchboard.original.topic")?.value == Array("bookings".utf8))
        #expect(rejected.header(named: "switchboard.original.offset")?.value == Array("0".utf8))
        #expect(rejected.header(named: "switchboard.integration")?.value == Array("bookings".utf8))
        let missing = try #require(byReason["no_event_id"])
        #expect(missing.header(named: "switchboard.original.offset")?.value == Array("1".utf8))

        #expect(try await Self.committedOffset(cluster, group: "dlq", topic: "bookings", reaching: 3) == 3)
        await bridge.stop()
    }
}

extension KafkaBridgeTests {
    @Test("the broker down for some seconds and back: no event lost, no restart")
    func brokerDownAndUp() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: Logger(label: "test"))
        defer { cluster.shutdown() }
        try cluster.createTopic("outage", partitions: 2)
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        try await Self.produce(cluster.bootstrapServers, topic: "outage", (0..<40).map { ("k\($0 % 7)", #"{"cid":"before-\#($0)"}"#) })
        let bridge = try TestBridge(yaml: Self.yaml(endpoint: base, bootstrap: cluster.bootstrapServers, group: "outage", topic: "outage"), directory: temporaryDirectory())
        #expect(await sink.waitForAccepted(40, seconds: 60))
        try cluster.setBrokerDown(1)
        try await Task.sleep(for: .seconds(3))
        try cluster.setBrokerUp(1)
        try await Self.produce(cluster.bootstrapServers, topic: "outage", (0..<40).map { ("k\($0 % 7)", #"{"cid":"after-\#($0)"}"#) })
        #expect(await sink.waitForAccepted(80, seconds: 60))
        let ids = Set(sink.accepted.compactMap(\.eventID))
        #expect(ids == Set((0..<40).map { "before-\($0)" } + (0..<40).map { "after-\($0)" }))
        await bridge.stop()
    }

    @Test("two instances in one group split the partitions; one stops mid-stream and the other finishes, nothing lost")
    func twoInstancesOneStops() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: Logger(label: "test"))
        defer { cluster.shutdown() }
        try cluster.createTopic("shared", partitions: 4)
        let sink = ScriptedSink()
        sink.setDefault(.init(status: 201, delay: .milliseconds(20)))
        let base = try await sink.start()
        defer { sink.stop() }
        let total = 240
        try await Self.produce(cluster.bootstrapServers, topic: "shared", (0..<total).map { ("key-\($0 % 24)", #"{"cid":"event-\#($0)"}"#) })
        let yaml = Self.yaml(endpoint: base, bootstrap: cluster.bootstrapServers, group: "shared", topic: "shared")
        let first = try TestBridge(yaml: yaml, directory: temporaryDirectory())
        let second = try TestBridge(yaml: yaml, directory: temporaryDirectory())
        #expect(await sink.waitForAccepted(total / 4, seconds: 60))
        await first.stop()
        #expect(await waitUntil(seconds: 90) { Set(sink.accepted.compactMap(\.eventID)).count == total })
        #expect(Set(sink.accepted.compactMap(\.eventID)) == Set((0..<total).map { "event-\($0)" }))
        await second.stop()
    }
}

extension KafkaBridgeTests {
    @Test("a refused key opens the circuit and pauses the integration's partitions; once the key works they resume and drain")
    func circuitPausesPartitions() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: Logger(label: "test"))
        defer { cluster.shutdown() }
        try cluster.createTopic("held", partitions: 1)
        let sink = ScriptedSink()
        sink.setValidKeys(["a-key-nobody-has"])
        let base = try await sink.start()
        defer { sink.stop() }
        try await Self.produce(cluster.bootstrapServers, topic: "held", (0..<30).map { ("k\($0 % 3)", #"{"cid":"held-\#($0)"}"#) })
        let clock = ManualClock(startMillis: Int64(Date().timeIntervalSince1970 * 1000))
        let bridge = try TestBridge(
            yaml: Self.yaml(endpoint: base, bootstrap: cluster.bootstrapServers, group: "held", topic: "held"),
            directory: temporaryDirectory(), clock: clock
        )
        let kafka = try #require(bridge.bridge.kafka)
        #expect(await waitUntil(seconds: 30) { kafka.partitionStates().first?.paused == true })
        #expect(bridge.bridge.lanes["bookings"]?.circuitState == "open")
        #expect(sink.accepted.isEmpty)

        sink.setValidKeys(nil)  // the operator fixed the key
        // Time moves on: an attempt refused before the fix may reopen the circuit once; a later probe closes it.
        let drained = await waitUntil(seconds: 60) {
            clock.advance(by: .milliseconds(200))
            return sink.accepted.count >= 30
        }
        #expect(drained)
        #expect(await waitUntil(seconds: 10) { kafka.partitionStates().first?.paused == false })
        #expect(Set(sink.accepted.compactMap(\.eventID)) == Set((0..<30).map { "held-\($0)" }))
        await bridge.stop()
    }
}

extension KafkaBridgeTests {
    @Test("a Kafka-only integration whose held events all expired behind an open circuit resumes its topics, and a fixed key delivers what comes next")
    func circuitWithNothingLeftToProbe() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: Logger(label: "test"))
        defer { cluster.shutdown() }
        try cluster.createTopic("stuck", partitions: 1)
        let sink = ScriptedSink()
        sink.setValidKeys(["a-key-nobody-has"])
        let base = try await sink.start()
        defer { sink.stop() }
        try await Self.produce(cluster.bootstrapServers, topic: "stuck", (0..<10).map { ("k\($0)", #"{"cid":"old-\#($0)"}"#) })
        // The test clock runs ten minutes behind the broker's timestamps, so deadlines count from when the events
        // are consumed (test time), however far the test moves its clock.
        let clock = ManualClock(startMillis: Int64(Date().timeIntervalSince1970 * 1000) - 600_000)
        let bridge = try TestBridge(
            yaml: Self.yaml(endpoint: base, bootstrap: cluster.bootstrapServers, group: "stuck", topic: "stuck",
                            retry: "{ max_attempts: 100, base: 50ms, cap: 200ms, deadline: 4s }"),
            directory: temporaryDirectory(), clock: clock
        )
        let kafka = try #require(bridge.bridge.kafka)
        #expect(await waitUntil(seconds: 30) { kafka.partitionStates().first?.paused == true })
        // Every held event reaches its deadline: dead-lettered unauthorized, nothing left to probe with.
        let expired = await waitUntil(seconds: 60) {
            clock.advance(by: .milliseconds(200))
            return ((try? bridge.bridge.journal.deadLetterCount()) ?? 0) >= 10
        }
        #expect(expired)
        #expect(try bridge.bridge.journal.deadLetters(limit: 20, integration: nil).allSatisfy { $0.reason == "unauthorized" })
        #expect(bridge.bridge.lanes["bookings"]?.circuitState != "closed")
        #expect(await waitUntil(seconds: 10) { kafka.partitionStates().first?.paused == false }, "the topic stayed paused behind a circuit holding nothing")

        sink.setValidKeys(nil)  // the operator fixed the key
        try await Self.produce(cluster.bootstrapServers, topic: "stuck", (0..<10).map { ("k\($0)", #"{"cid":"new-\#($0)"}"#) })
        let delivered = await waitUntil(seconds: 60) {
            clock.advance(by: .milliseconds(200))
            return sink.accepted.count >= 10
        }
        #expect(delivered)
        #expect(Set(sink.accepted.compactMap(\.eventID)) == Set((0..<10).map { "new-\($0)" }))
        #expect(bridge.bridge.lanes["bookings"]?.circuitState == "closed")
        await bridge.stop()
    }
}

extension KafkaBridgeTests {
    @Test("a backlog that aged past its deadline while its topic was held is dead-lettered without pausing the topic again, so a fresh event probes the circuit")
    func agedBacklogDoesNotKeepTheCircuitOpen() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: Logger(label: "test"))
        defer { cluster.shutdown() }
        try cluster.createTopic("aged", partitions: 1)
        let sink = ScriptedSink()
        sink.setValidKeys(["a-key-nobody-has"])
        let base = try await sink.start()
        defer { sink.stop() }
        try await Self.produce(cluster.bootstrapServers, topic: "aged", (0..<5).map { ("k\($0)", #"{"cid":"old-\#($0)"}"#) })
        let clock = ManualClock(startMillis: Int64(Date().timeIntervalSince1970 * 1000))
        let bridge = try TestBridge(
            yaml: Self.yaml(endpoint: base, bootstrap: cluster.bootstrapServers, group: "aged", topic: "aged",
                            retry: "{ max_attempts: 100, base: 50ms, cap: 200ms, deadline: 4s }"),
            directory: temporaryDirectory(), clock: clock
        )
        let kafka = try #require(bridge.bridge.kafka)
        let lanes = try #require(bridge.bridge.lanes["bookings"])
        #expect(await waitUntil(seconds: 30) { kafka.partitionStates().first?.paused == true })
        // While the topic is held, more events wait in Kafka, older than the deadline by the time they are read.
        try await Self.produce(cluster.bootstrapServers, topic: "aged", (0..<30).map { ("k\($0 % 5)", #"{"cid":"aged-\#($0)"}"#) },
                               timestampMillis: clock.nowMillis() - 60_000)
        let holds = Mutex(0)
        lanes.onCircuitChange { held in if held { holds.withLock { $0 += 1 } } }
        // The held events reach their deadline; by then the waiting ones are past theirs too.
        let drained = await waitUntil(seconds: 60) {
            clock.advance(by: .milliseconds(200))
            return ((try? bridge.bridge.journal.deadLetterCount()) ?? 0) >= 35
        }
        #expect(drained, "the aged backlog was not dead-lettered")
        // A failed probe of a held event may hold the topic again once or twice; an aged event never does (before
        // the fix, each of the 30 paused it).
        #expect(holds.withLock { $0 } <= 3, "aged events paused the topic again (\(holds.withLock { $0 }) times)")
        let reasons = Set(try bridge.bridge.journal.deadLetters(limit: 50, integration: nil).map(\.reason))
        #expect(reasons.isSubset(of: ["unauthorized", "expired"]))

        sink.setValidKeys(nil)  // the operator fixed the key
        // Fresh events: stamped ahead of the test clock, so their deadline counts from when they are read.
        try await Self.produce(cluster.bootstrapServers, topic: "aged", (0..<5).map { ("k\($0)", #"{"cid":"new-\#($0)"}"#) },
                               timestampMillis: clock.nowMillis() + 600_000)
        let delivered = await waitUntil(seconds: 60) {
            clock.advance(by: .milliseconds(100))
            return sink.accepted.count >= 5
        }
        #expect(delivered)
        #expect(Set(sink.accepted.compactMap(\.eventID)) == Set((0..<5).map { "new-\($0)" }))
        #expect(lanes.circuitState == "closed")
        await bridge.stop()
    }
}

extension KafkaBridgeTests {
    @Test("a dead-letter topic that cannot be written: after dead_letter_timeout the dead letter goes to the local store and the offset is released")
    func deadLetterFallback() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: Logger(label: "test"))
        defer { cluster.shutdown() }
        try cluster.createTopic("orders", partitions: 1)
        try cluster.createTopic("orders.dlq", partitions: 1)
        try await Self.produce(cluster.bootstrapServers, topic: "orders", [("k1", #"{"cid":"gone"}"#), ("k2", #"{"cid":"fine"}"#)])
        // From now on every Produce request is refused for good (TOPIC_AUTHORIZATION_FAILED), as a topic without
        // write ACLs is.
        try cluster.pushRequestErrors(apiKey: 0, errorCodes: Array(repeating: 29, count: 500))
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        sink.script("gone", [.init(status: 400, body: #"{"error_message":"External event id not valid"}"#)])
        let bridge = try TestBridge(
            yaml: Self.yaml(endpoint: base, bootstrap: cluster.bootstrapServers, group: "fallback", topic: "orders",
                            deadLetterTopic: "orders.dlq\n  dead_letter_timeout: 1s"),
            directory: temporaryDirectory()
        )
        #expect(await waitUntil(seconds: 60) { ((try? bridge.bridge.journal.deadLetterCount()) ?? 0) == 1 })
        let letter = try #require(try bridge.bridge.journal.deadLetters(limit: 1, integration: nil).first)
        #expect(letter.reason == "rejected")
        #expect(letter.lastStatus == 400)
        #expect(bridge.bridge.kafka?.deadLetterFallback?.contains("orders.dlq") == true)

        #expect(try await Self.committedOffset(cluster, group: "fallback", topic: "orders", reaching: 2) == 2)
        await bridge.stop()
    }
}

extension KafkaBridgeTests {
    @Test("a second instance joins while events are in backoff: they leave the first instance's lanes, nothing is posted twice, order per key holds")
    func joinWhileInBackoff() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: Logger(label: "test"))
        defer { cluster.shutdown() }
        try cluster.createTopic("joined", partitions: 2)
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let keys = 8
        let perKey = 5
        // The first attempts of three conversations fail: their lanes sleep (2 s backoff) with later events queued.
        for key in 0..<3 { sink.script("conv-\(key)", [.init(status: 503)]) }
        var messages: [(key: String, body: String)] = []
        for sequence in 0..<perKey {
            for key in 0..<keys { messages.append(("conv-\(key)", #"{"cid":"conv-\#(key)","seq":\#(sequence)}"#)) }
        }
        try await Self.produce(cluster.bootstrapServers, topic: "joined", messages)
        let yaml = Self.yaml(endpoint: base, bootstrap: cluster.bootstrapServers, group: "joined", topic: "joined",
                             retry: "{ max_attempts: 20, base: 20s, cap: 20s, deadline: 55m }")
        let first = try TestBridge(yaml: yaml, directory: temporaryDirectory())
        #expect(await waitUntil(seconds: 60) { sink.accepted.count >= (keys - 3) * perKey })
        #expect((first.bridge.lanes["bookings"]?.backlog ?? 0) >= 3 * perKey - 3, "the failing conversations are not waiting in backoff")
        // The first instance's periodic commit (the head offsets still pending, what was delivered past them in the
        // metadata) lands before the second joins: librdkafka's mock refuses every commit while a group is joining,
        // where a real broker accepts the revoke's commit.
        let configuration = KafkaConsumerConfiguration(brokers: [cluster.bootstrapServers], groupID: "joined", topics: ["joined"])
        let partitions = [KafkaTopicPartition(topic: "joined", partition: 0), KafkaTopicPartition(topic: "joined", partition: 1)]
        // Everything below the committed offsets, plus what their metadata lists, is what was delivered.
        var reached: Int64 = 0
        for _ in 0..<150 where reached < Int64((keys - 3) * perKey) {
            let progress = (try? await KafkaConsumer.committedProgress(configuration: configuration, partitions: partitions, logger: Logger(label: "test"))) ?? [:]
            reached = progress.values.reduce(0) { $0 + $1.committed + $1.deliveredAbove }
            if reached < Int64((keys - 3) * perKey) { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(reached >= Int64((keys - 3) * perKey), "the first instance's commits never covered its deliveries (\(reached))")
        let second = try TestBridge(yaml: yaml, directory: temporaryDirectory())
        #expect(await waitUntil(seconds: 90) { sink.accepted.count >= keys * perKey })
        // The sleeping events (20 s backoff) were taken out of the first instance's lanes by the rebalance and
        // delivered from a fresh read, not after their backoff.
        #expect(first.bridge.kafka?.withdrawnMessages ?? 0 >= 3)
        try await Task.sleep(for: .seconds(1))
        for key in 0..<keys {
            let seen = sink.accepted.filter { $0.eventID == "conv-\(key)" }.map(\.bodyText)
            #expect(seen == (0..<perKey).map { #"{"cid":"conv-\#(key)","seq":\#($0)}"# }, "conv-\(key): \(seen)")
        }
        await first.stop()
        await second.stop()
    }
}

extension KafkaBridgeTests {
    @Test("a graceful hand-over: the first instance stops while the second consumes; what it delivered is not posted again")
    func gracefulHandOver() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: Logger(label: "test"))
        defer { cluster.shutdown() }
        try cluster.createTopic("handover", partitions: 4)
        let sink = ScriptedSink()
        // 20 conversations at 100 ms a delivery: about 200 a second, so the hand-over happens mid-stream.
        sink.setDefault(.init(status: 201, delay: .milliseconds(100)))
        let base = try await sink.start()
        defer { sink.stop() }
        let total = 2000
        try await Self.produce(cluster.bootstrapServers, topic: "handover", (0..<total).map { ("key-\($0 % 20)", #"{"cid":"event-\#($0)"}"#) })
        let yaml = Self.yaml(endpoint: base, bootstrap: cluster.bootstrapServers, group: "handover", topic: "handover")
        let first = try TestBridge(yaml: yaml, directory: temporaryDirectory())
        #expect(await sink.waitForAccepted(total / 4, seconds: 60))
        let second = try TestBridge(yaml: yaml, directory: temporaryDirectory())
        let kafka = try #require(second.bridge.kafka)
        #expect(await waitUntil(seconds: 60) { !kafka.partitionStates().isEmpty }, "the second instance got no partition")
        // librdkafka's mock refuses commits while a group is joining (a real broker accepts the revoke's commit), so
        // what the first instance delivered between the join and its revoke may be posted again by the second: those
        // were first posted before the join completed (the sink records a post when it answers, 100 ms later, and
        // a loaded machine answers later still: a second of slack). The hand-over itself must post nothing twice.
        try await Task.sleep(for: .seconds(1))
        let postedBeforeJoin = sink.accepted.count
        #expect(await sink.waitForAccepted(total / 2, seconds: 60))
        let beforeStop = sink.accepted.count
        await first.stopGracefully()
        #expect(await waitUntil(seconds: 90) { Set(sink.accepted.map(\.bodyText)).count == total })
        try await Task.sleep(for: .seconds(1))
        let posted = sink.accepted.map(\.bodyText)
        var firstIndex: [String: Int] = [:]
        for (index, body) in posted.enumerated() where firstIndex[body] == nil { firstIndex[body] = index }
        let twice = Self.postedTwice(posted)
        let duringJoin = twice.filter { (firstIndex[$0] ?? 0) < postedBeforeJoin }
        let afterJoin = twice.subtracting(duringJoin).sorted()
        #expect(afterJoin.isEmpty, "\(afterJoin.count) events posted twice after the join (\(beforeStop) accepted before the stop, \(duringJoin.count) twice from the join): \(afterJoin.prefix(10))")
        await second.stop()
    }
}

extension KafkaBridgeTests {
    /// The bodies posted more than once.
    static func postedTwice(_ posted: [String]) -> Set<String> {
        Set(Dictionary(grouping: posted, by: { $0 }).filter { $0.value.count > 1 }.keys)
    }
}

/// Messages read back from a dead-letter topic.
final class DLQReader: Sendable {
    private let messages = Mutex<[KafkaMessage]>([])
    func append(_ message: KafkaMessage) { messages.withLock { $0.append(message) } }
    var all: [KafkaMessage] { messages.withLock { $0 } }
}
