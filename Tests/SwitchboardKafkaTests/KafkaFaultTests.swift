import Foundation
import Logging
import SwitchboardKafka
import Testing

@Suite("Kafka faults: brokers going away and coming back")
struct KafkaFaultTests {
    @Test("the broker down for a few seconds then up: no message lost, no crash, librdkafka's logs reach the Swift logger")
    func brokerDownThenUp() async throws {
        try await withMockCluster { cluster in
            try cluster.createTopic("crm.events", partitions: 2)
            try await produce(to: "crm.events", count: 20, prefix: "before-", brokers: cluster.bootstrapServers)

            let logs = LogStore()
            let log = MessageLog()
            let reference = ConsumerReference()
            let consumer = try KafkaConsumer(
                configuration: KafkaConsumerConfiguration(
                    brokers: [cluster.bootstrapServers],
                    groupID: "bridge",
                    topics: ["crm.events"],
                    options: fastGroupOptions.merging(["session.timeout.ms": "30000"]) { _, new in new }
                ),
                logger: logs.logger(level: .info)
            ) { message in
                log.append(message)
                reference.markDone(message)
            }
            reference.set(consumer)
            let running = start(consumer)
            // A generous guard: the suite runs beside browser and process tests that load both cores.
            #expect(await eventually(timeout: .seconds(90)) { log.count >= 20 })

            try cluster.setBrokerDown(1)
            let producer = try KafkaProducer(
                brokers: [cluster.bootstrapServers],
                options: ["linger.ms": "0", "reconnect.backoff.max.ms": "500", "message.timeout.ms": "60000"],
                logger: LogStore().logger(level: .error)  // its connection errors while the broker is down are expected
            )
            let sending = Task {
                for index in 0..<20 {
                    try await producer.send(
                        topic: "crm.events",
                        key: Array("conv-\(index % 4)".utf8),
                        value: Array("during-\(index)".utf8),
                        headers: []
                    )
                }
            }
            try await Task.sleep(for: .seconds(3))
            try cluster.setBrokerUp(1)
            try await sending.value
            producer.shutdown()

            let expected = Set((0..<20).map { "before-\($0)" } + (0..<20).map { "during-\($0)" })
            #expect(await eventually { Set(log.values).isSuperset(of: expected) })
            consumer.shutdown()
            try await running.value

            #expect(Set(log.values) == expected)
            let records = logs.all
            #expect(records.contains { $0.metadata["kafka.librdkafka_version"] != nil })
            // Lines written by librdkafka itself carry its facility (e.g. FAIL, CONNECT) as metadata.
            #expect(records.contains { $0.metadata["kafka.facility"] != nil })
        }
    }
}
