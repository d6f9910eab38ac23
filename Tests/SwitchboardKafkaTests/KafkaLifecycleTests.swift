import Foundation
import SwitchboardKafka
import Testing

@Suite("Consumer lifecycle")
struct KafkaLifecycleTests {
    func configuration(_ cluster: KafkaMockCluster) -> KafkaConsumerConfiguration {
        KafkaConsumerConfiguration(
            brokers: [cluster.bootstrapServers],
            groupID: "lifecycle",
            topics: ["events"],
            options: fastGroupOptions
        )
    }

    @Test("shutdown before run: run returns at once and consumes nothing")
    func shutdownBeforeRun() async throws {
        try await withMockCluster { cluster in
            try cluster.createTopic("events", partitions: 1)
            let log = MessageLog()
            let consumer = try KafkaConsumer(configuration: configuration(cluster), logger: .kafkaTest) { log.append($0) }
            consumer.shutdown()
            try await consumer.run()
            #expect(log.count == 0)
            #expect(consumer.partitionStates().isEmpty)
        }
    }

    @Test("cancelling the task that runs the consumer shuts it down cleanly; a second run is refused while it runs")
    func cancellationStops() async throws {
        try await withMockCluster { cluster in
            try cluster.createTopic("events", partitions: 1)
            try await produce(to: "events", count: 1, brokers: cluster.bootstrapServers)
            let log = MessageLog()
            let consumer = try KafkaConsumer(configuration: configuration(cluster), logger: .kafkaTest) { log.append($0) }
            let running = start(consumer)
            #expect(await eventually { log.count == 1 })

            let error = await #expect(throws: KafkaError.self) { try await consumer.run() }
            #expect(error?.message.contains("already running") == true)

            running.cancel()
            try await running.value
            #expect(consumer.partitionStates().isEmpty)
            // A finished consumer does not start again.
            try await consumer.run()
        }
    }
}
