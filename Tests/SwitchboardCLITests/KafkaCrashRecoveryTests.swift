import Foundation
import Logging
import Testing
import SwitchboardHTTP
import SwitchboardBridge
import SwitchboardKafka

@Suite("switchboard run on Kafka: killed mid-stream and restarted")
struct KafkaCrashRecoveryTests {
    @Test("SIGKILL mid-stream, restart: every event delivered at least once, in order per conversation, none lost, at most two re-posts per conversation")
    func killedMidStream() async throws {
        let directory = try KafkaProcessFixture.directory("kafka-crash")
        let client = CurlHTTPClient(logger: Logger(label: "test"))
        defer { client.shutdown() }

        let (cluster, bootstrap) = try await KafkaProcessFixture.startCluster(topic: "stream:2")
        let (sandbox, sandboxURL) = try await CrashRecoveryTests.startSandbox(directory: directory, extra: ["--latency-ms", "40"])

        let eventIDs = try await KafkaProcessFixture.conversations(4, client: client, sandboxURL: sandboxURL)
        let total = 160
        let producer = try KafkaProducer(brokers: [bootstrap], options: [:], logger: Logger(label: "test"))
        for n in 0..<total {
            let target = eventIDs[n % eventIDs.count]
            try await producer.send(topic: "stream", key: Array(target.conversation.utf8), value: Array(#"{"cid":"\#(target.eventID)","n":\#(n)}"#.utf8), headers: [])
        }
        producer.shutdown()

        let config = try CrashRecoveryTests.writeConfig(directory: directory, endpoint: sandboxURL, kafka: bootstrap, route: "{ kafka: stream }")
        let first = try SwitchboardProcess(["run", "--config", config])
        #expect(await waitFor(seconds: 60) { await Self.accepted(client, sandboxURL) >= 20 }, "\(first.log)")
        first.signal(SIGKILL)
        #expect(await first.waitForExit() != nil)
        let beforeRestart = await Self.accepted(client, sandboxURL)
        #expect(beforeRestart < total, "the stream finished before the kill; the test proves nothing")

        let second = try SwitchboardProcess(["run", "--config", config])
        var totalReposts = 0
        for (index, pair) in eventIDs.enumerated() {
            let expected = Array(stride(from: index, to: total, by: eventIDs.count))
            var firstSeen: [Int] = []
            let complete = await waitFor(seconds: 90) {
                firstSeen = await Self.sequence(client, sandboxURL, conversation: pair.conversation)
                return Set(firstSeen).isSuperset(of: expected)
            }
            #expect(complete, "conversation \(index) is missing events; log:\n\(second.log)")
            // Order per conversation: events appear for the first time in the order they were produced.
            var order: [Int] = []
            for n in firstSeen where !order.contains(n) { order.append(n) }
            #expect(order == expected)
            // Posted again after the kill: at most the conversation's attempt in flight and the deliveries whose
            // local record was not on disk yet, which the commit bounds: one commit interval (200 ms) of deliveries
            // at 40 ms each. Everything delivered before is skipped through the commit metadata and the records.
            let reposts = firstSeen.count - Set(firstSeen).count
            #expect(reposts <= 1 + 200 / 40, "conversation \(index): \(reposts) events posted twice")
            totalReposts += reposts
        }
        print("SIGKILL re-posts: \(totalReposts) of \(beforeRestart) delivered before the kill (\(eventIDs.count) conversations)")
        second.signal(SIGTERM)
        let status = await second.waitForExit(seconds: 60)
        #expect(status == 0, "exit \(String(describing: status)); log:\n\(second.log.suffix(3000))")
        await KafkaProcessFixture.stop(sandbox, cluster)
        #expect(!first.log.contains(CrashRecoveryTests.key) && !second.log.contains(CrashRecoveryTests.key))
    }

    @Test("SIGTERM with attempts in flight against a destination answering after 2 s: they complete, exit 0 within shutdown_timeout, and a restart posts none of them again")
    func gracefulStopWithSlowAttempts() async throws {
        let directory = try KafkaProcessFixture.directory("kafka-sigterm")
        let client = CurlHTTPClient(logger: Logger(label: "test"))
        defer { client.shutdown() }
        let (cluster, bootstrap) = try await KafkaProcessFixture.startCluster(topic: "slow:2")
        let (sandbox, sandboxURL) = try await CrashRecoveryTests.startSandbox(directory: directory, extra: ["--latency-ms", "2000"])

        let eventIDs = try await KafkaProcessFixture.conversations(6, client: client, sandboxURL: sandboxURL)
        let total = 18
        let producer = try KafkaProducer(brokers: [bootstrap], options: [:], logger: Logger(label: "test"))
        for n in 0..<total {
            let target = eventIDs[n % eventIDs.count]
            try await producer.send(topic: "slow", key: Array(target.conversation.utf8), value: Array(#"{"cid":"\#(target.eventID)","n":\#(n)}"#.utf8), headers: [])
        }
        producer.shutdown()

        let config = try CrashRecoveryTests.writeConfig(directory: directory, endpoint: sandboxURL, kafka: bootstrap, route: "{ kafka: slow }")
        let first = try SwitchboardProcess(["run", "--config", config])
        // The first round (one event per conversation) is answered after 2 s; SIGTERM lands while the second is under way.
        #expect(await waitFor(seconds: 60) { await Self.accepted(client, sandboxURL) >= eventIDs.count }, "\(first.log)")
        try await Task.sleep(for: .milliseconds(300))
        first.signal(SIGTERM)
        let status = await first.waitForExit(seconds: 5 + 5)
        #expect(status == 0, "exit \(String(describing: status)); log:\n\(first.log.suffix(3000))")
        let deliveredByFirst = first.log.components(separatedBy: "switchboard.outcome=delivered").count - 1
        let acceptedAtStop = await Self.accepted(client, sandboxURL)
        #expect(deliveredByFirst == acceptedAtStop, "attempts were cut off: \(acceptedAtStop) accepted, \(deliveredByFirst) delivered")
        #expect(acceptedAtStop >= 2 * eventIDs.count, "the attempts under way at SIGTERM did not complete (\(acceptedAtStop) accepted)")
        #expect(first.log.contains("committed before leaving the group"), "\(first.log.suffix(3000))")

        let second = try SwitchboardProcess(["run", "--config", config])
        for (index, pair) in eventIDs.enumerated() {
            let expected = Array(stride(from: index, to: total, by: eventIDs.count))
            var seen: [Int] = []
            let complete = await waitFor(seconds: 90) {
                seen = await Self.sequence(client, sandboxURL, conversation: pair.conversation)
                return Set(seen).isSuperset(of: expected)
            }
            #expect(complete, "conversation \(index) is missing events; log:\n\(second.log.suffix(3000))")
            #expect(seen == expected, "conversation \(index): posted \(seen), expected each of \(expected) once")
        }
        second.signal(SIGTERM)
        #expect(await second.waitForExit(seconds: 30) == 0)
        await KafkaProcessFixture.stop(sandbox, cluster)
    }

    static func accepted(_ client: CurlHTTPClient, _ sandboxURL: String) async -> Int {
        guard let response = try? await client.send(HTTPClientRequest(url: sandboxURL + "/sandbox/requests", method: "GET")),
              let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        else { return 0 }
        return (object["accepted"] as? Int) ?? 0
    }

    /// The `n` of every event a conversation received, in arrival order.
    static func sequence(_ client: CurlHTTPClient, _ sandboxURL: String, conversation: String) async -> [Int] {
        guard let response = try? await client.send(HTTPClientRequest(url: sandboxURL + "/sandbox/conversations/\(conversation)", method: "GET")),
              let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
              let events = object["events"] as? [[String: Any]]
        else { return [] }
        return events.compactMap { event in
            guard let data = (event["data"] as? String)?.data(using: .utf8),
                  let body = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
            return body["n"] as? Int
        }
    }
}
