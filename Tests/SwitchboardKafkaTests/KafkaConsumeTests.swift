import Foundation
import SwitchboardKafka
import Testing

@Suite("Consuming from librdkafka's mock cluster")
struct KafkaConsumeTests {
    @Test("every produced message is handed out exactly once, in partition order, with key, headers and timestamp")
    func consumesEverythingOnceInOrder() async throws {
        try await withMockCluster { cluster in
            try cluster.createTopic("crm.bookings", partitions: 4)
            try await produce(to: "crm.bookings", count: 200, brokers: cluster.bootstrapServers)

            let log = MessageLog()
            let reference = ConsumerReference()
            let configuration = KafkaConsumerConfiguration(
                brokers: [cluster.bootstrapServers],
                groupID: "bridge",
                topics: ["crm.bookings"],
                options: fastGroupOptions
            )
            let consumer = try KafkaConsumer(configuration: configuration, logger: .kafkaTest) { message in
                log.append(message)
                reference.markDone(message)
            }
            reference.set(consumer)
            let running = start(consumer)

            #expect(await eventually { log.count >= 200 })
            consumer.shutdown()
            try await running.value

            let messages = log.all
            #expect(messages.count == 200)
            let identities = Set(messages.map { "\($0.partition)/\($0.offset)" })
            #expect(identities.count == 200)
            #expect(Set(messages.map(\.partition)) == [0, 1, 2, 3])

            // Partition order: offsets only grow within a partition; per conversation, sequence only grows.
            var lastOffset: [Int32: Int64] = [:]
            var lastSequence: [[UInt8]: Int] = [:]
            for message in messages {
                #expect(message.offset > lastOffset[message.partition, default: -1])
                lastOffset[message.partition] = message.offset
                let key = try #require(message.key)
                let sequence = try #require(sequenceNumber(message))
                #expect(sequence > lastSequence[key, default: -1])
                lastSequence[key] = sequence
                #expect(message.header(named: "event-type")?.value == Array("booking.confirmed".utf8))
                #expect(message.timestampMillis != nil)
                #expect(message.topic == "crm.bookings")
            }

            // Everything had its outcome: the group's committed offsets are at the end of every partition.
            let partitions = (0..<4).map { KafkaTopicPartition(topic: "crm.bookings", partition: Int32($0)) }
            let committed = try await KafkaConsumer.committedOffsets(
                configuration: configuration,
                partitions: partitions,
                logger: .kafkaTest
            )
            for partition in partitions {
                #expect(committed[partition] == lastOffset[partition.partition].map { $0 + 1 })
            }
            #expect(consumer.partitionStates().isEmpty)
        }
    }

    @Test("with maxPendingPerPartition = 10 the handler gets exactly 10 messages until outcomes arrive, then resumes")
    func backPressurePausesAndResumes() async throws {
        try await withMockCluster { cluster in
            try cluster.createTopic("payments", partitions: 1)
            try await produce(to: "payments", count: 50, brokers: cluster.bootstrapServers)

            let log = MessageLog()
            let consumer = try KafkaConsumer(
                configuration: KafkaConsumerConfiguration(
                    brokers: [cluster.bootstrapServers],
                    groupID: "bridge",
                    topics: ["payments"],
                    options: fastGroupOptions,
                    maxPendingPerPartition: 10,
                    revokeTimeout: .milliseconds(200)
                ),
                logger: .kafkaTest
            ) { message in
                log.append(message)
            }
            let running = start(consumer)

            #expect(await eventually { log.count >= 10 })
            #expect(consumer.partitionStates().first?.paused == true)
            // Give the poll thread many polls to (wrongly) hand out more; the bound must hold.
            try await Task.sleep(for: .milliseconds(500))
            #expect(log.count == 10)
            #expect(consumer.partitionStates().first?.pending == 10)

            // Six outcomes: 4 left, below half of 10, so the partition resumes and fills up to 10 again.
            for message in log.all.prefix(6) { consumer.markDone(message) }
            #expect(await eventually { log.count >= 16 })
            try await Task.sleep(for: .milliseconds(500))
            #expect(log.count == 16)
            #expect(consumer.partitionStates().first?.storedOffset == 6)

            // Keep answering until the topic is drained.
            var answered = 6
            let finished = await eventually {
                let all = log.all
                for message in all[answered...] { consumer.markDone(message) }
                answered = all.count
                return all.count >= 50 && consumer.partitionStates().first?.pending == 0
            }
            #expect(finished)
            consumer.shutdown()
            try await running.value

            // Pausing dropped nothing and re-read nothing: offsets 0..<50 exactly once, in order.
            #expect(log.all.map(\.offset) == Array(0..<50))
        }
    }
}
