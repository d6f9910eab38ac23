import Foundation
import SwitchboardKafka
import Testing

@Suite("Producing dead letters")
struct KafkaProducerTests {
    @Test("a broker that refuses the write makes send throw with the broker's error code")
    func permanentRejectionThrows() async throws {
        try await withMockCluster { cluster in
            try cluster.createTopic("dead-letters", partitions: 1)
            let producer = try KafkaProducer(brokers: [cluster.bootstrapServers], options: [:], logger: .kafkaTest)
            defer { producer.shutdown() }
            // Kafka API 0 is Produce; 29 is TOPIC_AUTHORIZATION_FAILED, which is not retried.
            try cluster.pushRequestErrors(apiKey: 0, errorCodes: [29])

            let error = await #expect(throws: KafkaError.self) {
                try await producer.send(topic: "dead-letters", key: nil, value: Array("payload".utf8), headers: [])
            }
            #expect(error?.code == 29)
        }
    }

    @Test("transient broker errors are retried and send succeeds only once the write is acknowledged")
    func transientErrorsAreRetried() async throws {
        try await withMockCluster { cluster in
            try cluster.createTopic("dead-letters", partitions: 1)
            let producer = try KafkaProducer(
                brokers: [cluster.bootstrapServers],
                options: ["retry.backoff.ms": "10"],
                logger: .kafkaTest
            )
            defer { producer.shutdown() }
            // 19 is NOT_ENOUGH_REPLICAS: retriable.
            try cluster.pushRequestErrors(apiKey: 0, errorCodes: [19, 19])
            try await producer.send(
                topic: "dead-letters",
                key: Array("conv-1".utf8),
                value: Array("payload".utf8),
                headers: [KafkaHeader(name: "switchboard.reason", string: "expired"), KafkaHeader(name: "empty", value: [])]
            )
        }
    }

    @Test("send after shutdown is refused")
    func sendAfterShutdown() async throws {
        try await withMockCluster { cluster in
            let producer = try KafkaProducer(brokers: [cluster.bootstrapServers], options: [:], logger: .kafkaTest)
            producer.shutdown()
            producer.shutdown()
            await #expect(throws: KafkaError.self) {
                try await producer.send(topic: "dead-letters", key: nil, value: [1], headers: [])
            }
        }
    }
}
