import Foundation
import Synchronization
import SwitchboardKafka
import Testing

@Suite("Offset commits follow the contiguous watermark")
struct KafkaCommitTests {
    @Test("a later success does not commit past an earlier event still without outcome; once it is done the commit passes it")
    func commitWaitsForTheEarliestPending() async throws {
        try await withMockCluster { cluster in
            try cluster.createTopic("payments", partitions: 1)
            try await produce(to: "payments", count: 20, brokers: cluster.bootstrapServers)

            let log = MessageLog()
            let consumer = try KafkaConsumer(
                configuration: KafkaConsumerConfiguration(
                    brokers: [cluster.bootstrapServers],
                    groupID: "bridge",
                    topics: ["payments"],
                    options: fastGroupOptions
                ),
                logger: .kafkaTest
            ) { message in
                log.append(message)
            }
            let running = start(consumer)
            #expect(await eventually { log.count >= 20 })

            // Outcomes arrive out of order, and offset 5 is still being retried.
            let partition = KafkaTopicPartition(topic: "payments", partition: 0)
            for message in log.all.reversed() where message.offset != 5 {
                consumer.markDone(message)
            }
            let state = try #require(consumer.partitionStates().first)
            #expect(state.storedOffset == 5)
            #expect(state.pending == 1)

            // The periodic commit (every 200 ms here) reaches 5, and never more, however long we look.
            var highestSeen: Int64 = -1
            let reachedFive = try await eventually {
                let committed = try await consumer.committedOffsets()[partition] ?? -1
                highestSeen = max(highestSeen, committed)
                return committed == 5
            }
            #expect(reachedFive)
            for _ in 0..<5 {
                try await Task.sleep(for: .milliseconds(200))
                highestSeen = max(highestSeen, try await consumer.committedOffsets()[partition] ?? -1)
            }
            #expect(highestSeen == 5)

            // Offset 5 gets its outcome: the commit jumps to the end.
            let five = try #require(log.all.first { $0.offset == 5 })
            consumer.markDone(five)
            #expect(consumer.partitionStates().first?.storedOffset == 20)
            #expect(try await eventually { try await consumer.committedOffsets()[partition] == 20 })
            #expect(consumer.partitionStates().first?.lag == 0)

            consumer.shutdown()
            try await running.value
        }
    }

    @Test("a consumer stopped with messages still without outcome: the next consumer of the group gets them again")
    func restartRedeliversWhatHadNoOutcome() async throws {
        try await withMockCluster { cluster in
            try cluster.createTopic("bookings", partitions: 2)
            try await produce(to: "bookings", count: 30, brokers: cluster.bootstrapServers)
            let configuration = KafkaConsumerConfiguration(
                brokers: [cluster.bootstrapServers],
                groupID: "bridge",
                topics: ["bookings"],
                options: fastGroupOptions,
                revokeTimeout: .milliseconds(300)
            )

            // First instance: outcomes only for offsets below 3 in each partition, then it stops.
            let first = MessageLog()
            let firstConsumer = try KafkaConsumer(configuration: configuration, logger: .kafkaTest) { first.append($0) }
            let firstRun = start(firstConsumer)
            #expect(await eventually { first.count >= 30 })
            for message in first.all where message.offset < 3 {
                firstConsumer.markDone(message)
            }
            firstConsumer.shutdown()
            try await firstRun.value

            let unanswered = Set(first.all.filter { $0.offset >= 3 }.map { "\($0.partition)/\($0.offset)" })
            let partitions = Set(first.all.map(\.partition)).map { KafkaTopicPartition(topic: "bookings", partition: $0) }
            let committed = try await KafkaConsumer.committedOffsets(
                configuration: configuration,
                partitions: partitions,
                logger: .kafkaTest
            )
            for partition in partitions {
                #expect(committed[partition] == 3)
            }

            // Outcomes arriving after the stop are ignored safely.
            for message in first.all where message.offset >= 3 {
                firstConsumer.markDone(message)
            }
            #expect(firstConsumer.partitionStates().isEmpty)

            // Second instance of the same group: it reads again exactly what had no outcome.
            let second = MessageLog()
            let reference = ConsumerReference()
            let secondConsumer = try KafkaConsumer(configuration: configuration, logger: .kafkaTest) { message in
                second.append(message)
                reference.markDone(message)
            }
            reference.set(secondConsumer)
            let secondRun = start(secondConsumer)
            #expect(await eventually { second.count >= unanswered.count })
            secondConsumer.shutdown()
            try await secondRun.value

            let redelivered = Set(second.all.map { "\($0.partition)/\($0.offset)" })
            #expect(redelivered == unanswered)
        }
    }

    @Test("the next consumer of the group skips what the previous one delivered past its committed offset (carried in the commit metadata)")
    func nextOwnerSkipsDeliveredPastTheCommit() async throws {
        try await withMockCluster { cluster in
            try cluster.createTopic("tickets", partitions: 1)
            try await produce(to: "tickets", count: 10, brokers: cluster.bootstrapServers)
            let configuration = KafkaConsumerConfiguration(
                brokers: [cluster.bootstrapServers], groupID: "bridge", topics: ["tickets"],
                options: fastGroupOptions, revokeTimeout: .milliseconds(300)
            )
            // Offset 2 never gets its outcome; every other offset does.
            let first = MessageLog()
            let firstConsumer = try KafkaConsumer(configuration: configuration, logger: .kafkaTest) { first.append($0) }
            let firstRun = start(firstConsumer)
            #expect(await eventually { first.count >= 10 })
            for message in first.all where message.offset != 2 { firstConsumer.markDone(message) }
            firstConsumer.shutdown()
            try await firstRun.value
            let partition = KafkaTopicPartition(topic: "tickets", partition: 0)
            let committed = try await KafkaConsumer.committedOffsets(configuration: configuration, partitions: [partition], logger: .kafkaTest)
            #expect(committed[partition] == 2)

            let second = MessageLog()
            let reference = ConsumerReference()
            let secondConsumer = try KafkaConsumer(configuration: configuration, logger: .kafkaTest) { message in
                second.append(message)
                reference.markDone(message)
            }
            reference.set(secondConsumer)
            let secondRun = start(secondConsumer)
            #expect(await eventually { second.count >= 1 })
            // Past offset 2 everything was delivered: the commit reaches the end without handing anything else out.
            #expect(try await eventually { try await secondConsumer.committedOffsets()[partition] == 10 })
            secondConsumer.shutdown()
            try await secondRun.value
            #expect(second.all.map(\.offset) == [2])
        }
    }

    @Test("a stop bounded by what is left of the shutdown timeout does not wait the whole revoke timeout for a message without outcome")
    func stopWithinTheShutdownBudget() async throws {
        try await withMockCluster { cluster in
            try cluster.createTopic("slow", partitions: 1)
            try await produce(to: "slow", count: 3, brokers: cluster.bootstrapServers)
            let configuration = KafkaConsumerConfiguration(
                brokers: [cluster.bootstrapServers], groupID: "bridge", topics: ["slow"],
                options: fastGroupOptions, revokeTimeout: .seconds(60)
            )
            let log = MessageLog()
            let consumer = try KafkaConsumer(configuration: configuration, logger: .kafkaTest) { log.append($0) }
            let running = start(consumer)
            #expect(await eventually { log.count >= 3 })
            // Offsets 0 and 1 get outcomes; offset 2 never does (an attempt still under way).
            for message in log.all where message.offset < 2 { consumer.markDone(message) }
            consumer.shutdown(within: .milliseconds(300))
            let done = Mutex(false)
            let waiter = Task {
                try await running.value
                done.withLock { $0 = true }
            }
            // Well under the 60 s revoke timeout: the stop honoured its budget.
            #expect(await eventually(timeout: .seconds(20)) { done.withLock { $0 } }, "the stop waited for the revoke timeout")
            try await waiter.value
            let partition = KafkaTopicPartition(topic: "slow", partition: 0)
            let committed = try await KafkaConsumer.committedOffsets(configuration: configuration, partitions: [partition], logger: .kafkaTest)
            #expect(committed[partition] == 2)
        }
    }
}
