import Foundation
import SwitchboardKafka
import Testing

@Suite("Two consumers in one group")
struct KafkaRebalanceTests {
    @Test(
        "both get partitions; one stops mid-stream; the other takes over and every message is seen at least once",
        arguments: ["range", "cooperative-sticky"]
    )
    func handOverOnShutdown(strategy: String) async throws {
        try await withMockCluster { cluster in
            let topic = "crm.\(strategy)"
            try cluster.createTopic(topic, partitions: 4)
            try await produce(to: topic, count: 40, prefix: "first-", brokers: cluster.bootstrapServers)

            let configuration = KafkaConsumerConfiguration(
                brokers: [cluster.bootstrapServers],
                groupID: "bridge",
                topics: [topic],
                options: fastGroupOptions.merging(["partition.assignment.strategy": strategy]) { _, new in new },
                revokeTimeout: .milliseconds(300)
            )

            // A answers only offsets below 3: the rest is "in flight" when it stops.
            let seenByA = MessageLog()
            let referenceA = ConsumerReference()
            let consumerA = try KafkaConsumer(configuration: configuration, logger: .kafkaTest) { message in
                seenByA.append(message)
                if message.offset < 3 { referenceA.markDone(message) }
            }
            referenceA.set(consumerA)

            let seenByB = MessageLog()
            let referenceB = ConsumerReference()
            let consumerB = try KafkaConsumer(configuration: configuration, logger: .kafkaTest) { message in
                seenByB.append(message)
                referenceB.markDone(message)
            }
            referenceB.set(consumerB)

            let runA = start(consumerA)
            let runB = start(consumerB)
            let firstBatch = Set((0..<40).map { "first-\($0)" })
            // A generous guard: two joins on the mock cluster while the suite loads both cores can take long.
            #expect(await eventually(timeout: .seconds(90)) {
                !consumerA.partitionStates().isEmpty && !consumerB.partitionStates().isEmpty
                    && Set(seenByA.values + seenByB.values).isSuperset(of: firstBatch)
            })
            let partitionsOfA = Set(consumerA.partitionStates().map(\.partition))
            #expect(!partitionsOfA.isEmpty)
            #expect(Set(consumerB.partitionStates().map(\.partition)).isDisjoint(with: partitionsOfA))

            consumerA.shutdown()
            try await runA.value
            let inFlightAtA = seenByA.all.filter { $0.offset >= 3 }
            // Late outcomes for partitions A gave up are ignored safely.
            for message in inFlightAtA { consumerA.markDone(message) }

            try await produce(to: topic, count: 40, prefix: "second-", brokers: cluster.bootstrapServers)
            let secondBatch = Set((0..<40).map { "second-\($0)" })
            let redelivery = Set(inFlightAtA.map { String(decoding: $0.value, as: UTF8.self) })
            #expect(await eventually {
                consumerB.partitionStates().count == 4 && Set(seenByB.values).isSuperset(of: secondBatch.union(redelivery))
            })
            consumerB.shutdown()
            try await runB.value

            #expect(Set(seenByA.values + seenByB.values) == firstBatch.union(secondBatch))
            #expect(consumerB.rebalanceCount >= 2)
            #expect(consumerA.partitionStates().isEmpty)
        }
    }
}
