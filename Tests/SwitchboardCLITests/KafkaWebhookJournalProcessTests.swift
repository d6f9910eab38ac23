import Foundation
import Logging
import Testing
import SwitchboardHTTP
import SwitchboardKafka

@Suite("switchboard run with webhook.journal: kafka, two instances")
struct KafkaWebhookJournalProcessTests {
    @Test("the instance that acknowledged the webhooks is SIGKILLed: the other delivers every one, in order per conversation")
    func otherInstanceDelivers() async throws {
        let directory = try KafkaProcessFixture.directory("webhook-journal")
        let client = CurlHTTPClient(logger: Logger(label: "test"))
        defer { client.shutdown() }
        let (cluster, bootstrap) = try await KafkaProcessFixture.startCluster(topic: "switchboard.webhooks:2")
        // Slow answers keep most events waiting when the first instance dies.
        let (sandbox, sandboxURL) = try await CrashRecoveryTests.startSandbox(directory: directory, extra: ["--latency-ms", "300"])

        let eventIDs = try await KafkaProcessFixture.conversations(4, client: client, sandboxURL: sandboxURL)
        let webhook = "{ journal: kafka, topic: switchboard.webhooks, ack_timeout: 2s }"
        let configs = try ["a", "b"].map {
            try CrashRecoveryTests.writeConfig(directory: directory, endpoint: sandboxURL, kafka: bootstrap, instance: $0, webhook: webhook)
        }
        let first = try SwitchboardProcess(["run", "--config", configs[0]])
        let second = try SwitchboardProcess(["run", "--config", configs[1]])
        let firstAddress = try await CrashRecoveryTests.webhookAddress(first)
        _ = try await CrashRecoveryTests.webhookAddress(second)

        let total = 40
        for n in 0..<total {
            let target = eventIDs[n % eventIDs.count]
            let reply = try await client.send(HTTPClientRequest(
                url: firstAddress + "/hooks/bookings", headers: [HTTPHeader("Content-Type", "application/json")],
                body: Array(#"{"cid":"\#(target.eventID)","n":\#(n)}"#.utf8)
            ))
            #expect(reply.status == 202, "webhook \(n): \(reply.status) \(String(decoding: reply.body, as: UTF8.self))")
        }
        first.signal(SIGKILL)
        #expect(await first.waitForExit() != nil)
        let beforeTakeOver = await KafkaCrashRecoveryTests.accepted(client, sandboxURL)
        #expect(beforeTakeOver < total, "everything was delivered before the kill; the test proves nothing")

        for (index, pair) in eventIDs.enumerated() {
            let expected = Array(stride(from: index, to: total, by: eventIDs.count))
            var seen: [Int] = []
            let complete = await waitFor(seconds: 90) {
                seen = await KafkaCrashRecoveryTests.sequence(client, sandboxURL, conversation: pair.conversation)
                return Set(seen).isSuperset(of: expected)
            }
            #expect(complete, "conversation \(index) is missing events: \(seen); log:\n\(second.log.suffix(3000))")
            var order: [Int] = []
            for n in seen where !order.contains(n) { order.append(n) }
            #expect(order == expected, "conversation \(index) out of order")
        }
        second.signal(SIGTERM)
        #expect(await second.waitForExit(seconds: 30) == 0)
        await KafkaProcessFixture.stop(sandbox, cluster)
    }
}
