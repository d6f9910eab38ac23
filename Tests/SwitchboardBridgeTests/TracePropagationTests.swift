import Foundation
import Logging
import Testing
import SwitchboardBridge
import SwitchboardCore
import SwitchboardKafka

/// A caller's W3C trace context reaches PolyAI with every attempt: real HTTP in (curl), a real HTTP server out.
@Suite("Traces end to end: traceparent from the caller to every External Events request")
struct TracePropagationTests {
    static let caller = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    @Test("without tracing configured the caller's traceparent and tracestate arrive with each attempt as they came")
    func callersTraceArrives() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        sink.script("conv-1", [.init(status: 503)])
        let bridge = try TestBridge(yaml: TestBridge.yaml(endpoint: base, journal: temporaryDirectory()), directory: temporaryDirectory())
        let reply = try await curl(await bridge.webhookURL + "/hooks/bookings", body: #"{"cid":"conv-1"}"#, headers: [
            ("Content-Type", "application/json"), ("traceparent", Self.caller), ("tracestate", "congo=t61rcWkgMzE"),
        ])
        #expect(reply.status == 202)
        #expect(await sink.waitForAccepted(1))
        let attempts = sink.received.filter { $0.eventID == "conv-1" }
        #expect(attempts.count == 2)
        for attempt in attempts {
            // Switchboard records no span of its own here, so it names no parent PolyAI could not find.
            #expect(attempt.header("traceparent") == Self.caller)
            #expect(attempt.header("tracestate") == "congo=t61rcWkgMzE")
        }
        await bridge.stop()
    }

    @Test("without a traceparent (or with an invalid one) a new trace starts, and its dead letter keeps its trace id")
    func newTraceAndDeadLetter() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        sink.script("refused", [.init(status: 400, body: #"{"error_message":"bad event"}"#)])
        let bridge = try TestBridge(yaml: TestBridge.yaml(endpoint: base, journal: temporaryDirectory()), directory: temporaryDirectory())
        let url = await bridge.webhookURL + "/hooks/bookings"
        #expect(try await curl(url, body: #"{"cid":"plain"}"#, headers: [("Content-Type", "application/json")]).status == 202)
        #expect(try await curl(url, body: #"{"cid":"refused"}"#, headers: [
            ("Content-Type", "application/json"), ("traceparent", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"),
        ]).status == 202)
        #expect(await sink.waitForRequests(2))
        let plain = try #require(sink.received.first { $0.eventID == "plain" }?.header("traceparent").flatMap(TraceContext.parse))
        let refused = try #require(sink.received.first { $0.eventID == "refused" }?.header("traceparent").flatMap(TraceContext.parse))
        #expect(plain.traceID != refused.traceID)
        #expect(refused.traceID != "4bf92f3577b34da6a3ce929d0e0e4736", "an invalid caller value is not continued")
        #expect(await waitUntil(seconds: 10) { ((try? bridge.bridge.journal.deadLetterCount()) ?? 0) == 1 })
        let letter = try #require(try bridge.bridge.journal.deadLetters(limit: 1, integration: nil).first)
        #expect(letter.traceID == refused.traceID)
        await bridge.stop()
    }

    /// The spans a collector received: every OTLP JSON batch posted to it, flattened.
    static func spans(_ collector: ScriptedSink) -> [[String: Any]] {
        collector.received.flatMap { request -> [[String: Any]] in
            guard let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any],
                  let resources = object["resourceSpans"] as? [[String: Any]] else { return [] }
            return resources.flatMap { ($0["scopeSpans"] as? [[String: Any]] ?? []).flatMap { $0["spans"] as? [[String: Any]] ?? [] } }
        }
    }

    @Test("with tracing configured, receive, journal, each attempt and the outcome are exported over OTLP under the caller's trace")
    func spansExported() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let collector = ScriptedSink()
        let otlp = try await collector.start()
        defer { collector.stop() }
        sink.script("conv-2", [.init(status: 503)])
        let yaml = TestBridge.yaml(endpoint: base, journal: temporaryDirectory()) + "\ntracing: { otlp: \(otlp), service_name: switchboard-test }\n"
        let bridge = try TestBridge(yaml: yaml, directory: temporaryDirectory())
        let reply = try await curl(await bridge.webhookURL + "/hooks/bookings", body: #"{"cid":"conv-2"}"#, headers: [
            ("Content-Type", "application/json"), ("traceparent", Self.caller),
        ])
        #expect(reply.status == 202)
        #expect(await sink.waitForAccepted(1))
        #expect(await waitUntil(seconds: 15) { Self.spans(collector).contains { $0["name"] as? String == "switchboard.outcome" } })
        let spans = Self.spans(collector)
        #expect(collector.received.allSatisfy { $0.header("content-type") == "application/json" })
        #expect(String(decoding: collector.received[0].body, as: UTF8.self).contains(#""stringValue":"switchboard-test""#))
        #expect(spans.allSatisfy { $0["traceId"] as? String == "4bf92f3577b34da6a3ce929d0e0e4736" })
        let receive = try #require(spans.first { $0["name"] as? String == "webhook.receive" })
        #expect(receive["parentSpanId"] as? String == "00f067aa0ba902b7", "the receive span is the caller's child")
        #expect(receive["kind"] as? Int == 2)
        let receiveID = try #require(receive["spanId"] as? String)
        let journal = try #require(spans.first { $0["name"] as? String == "journal.append" })
        #expect(journal["parentSpanId"] as? String == receiveID)
        let attempts = spans.filter { $0["name"] as? String == "polyai.attempt" }
        #expect(attempts.count == 2)
        #expect(attempts.allSatisfy { $0["parentSpanId"] as? String == receiveID && $0["kind"] as? Int == 3 })
        // The span id PolyAI was told is the attempt's own, a new one per attempt.
        let sent = Set(sink.received.compactMap { $0.header("traceparent").flatMap(TraceContext.parse)?.parentSpanID })
        #expect(sent.count == 2)
        #expect(Set(attempts.compactMap { $0["spanId"] as? String }) == sent)
        let outcome = try #require(spans.first { $0["name"] as? String == "switchboard.outcome" })
        #expect(outcome["parentSpanId"] as? String == receiveID)
        await bridge.stop()
    }

    @Test("a Kafka message's traceparent header continues into its External Events request")
    func kafkaHeaderTrace() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: Logger(label: "test"))
        defer { cluster.shutdown() }
        try cluster.createTopic("traced", partitions: 1)
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let producer = try KafkaProducer(brokers: [cluster.bootstrapServers], options: [:], logger: Logger(label: "test"))
        try await producer.send(topic: "traced", key: Array("k".utf8), value: Array(#"{"cid":"from-kafka"}"#.utf8), headers: [
            KafkaHeader(name: "traceparent", string: Self.caller),
        ])
        producer.shutdown()
        let bridge = try TestBridge(
            yaml: KafkaBridgeTests.yaml(endpoint: base, bootstrap: cluster.bootstrapServers, group: "traced", topic: "traced"),
            directory: temporaryDirectory()
        )
        #expect(await sink.waitForAccepted(1, seconds: 60))
        let context = try #require(sink.accepted.first?.header("traceparent").flatMap(TraceContext.parse))
        #expect(context.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        await bridge.stopGracefully()
    }
}
