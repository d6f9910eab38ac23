import SwitchboardKafka
import Testing

@Suite("Kafka options passed through to librdkafka")
struct KafkaOptionsTests {
    func consumerConfiguration(_ options: [String: String]) -> KafkaConsumerConfiguration {
        KafkaConsumerConfiguration(brokers: [], groupID: "options", topics: ["t"], options: options)
    }

    @Test("an unknown option key is an error naming the key and never the value")
    func unknownKey() {
        let error = #expect(throws: KafkaError.self) {
            _ = try KafkaConsumer(
                configuration: consumerConfiguration(["sasl.passwrod": "hunter2-secret"]),
                logger: .kafkaTest
            ) { _ in }
        }
        #expect(error?.message.contains("sasl.passwrod") == true)
        #expect(error?.description.contains("hunter2") == false)
    }

    @Test("a value librdkafka rejects is an error naming the key and never the value")
    func invalidValue() {
        let error = #expect(throws: KafkaError.self) {
            _ = try KafkaConsumer(
                configuration: consumerConfiguration(["session.timeout.ms": "hunter2-secret"]),
                logger: .kafkaTest
            ) { _ in }
        }
        #expect(error?.message.contains("session.timeout.ms") == true)
        #expect(error?.description.contains("hunter2") == false)
    }

    @Test("the producer rejects bad options the same way")
    func producerOptions() {
        let error = #expect(throws: KafkaError.self) {
            _ = try KafkaProducer(brokers: ["127.0.0.1:9"], options: ["acks": "sometimes-secret"], logger: .kafkaTest)
        }
        #expect(error?.message.contains("acks") == true)
        #expect(error?.description.contains("sometimes-secret") == false)
    }

    @Test("valid security options are accepted")
    func validOptionsAccepted() throws {
        let consumer = try KafkaConsumer(
            configuration: consumerConfiguration(["security.protocol": "plaintext", "client.id": "bridge-1"]),
            logger: .kafkaTest
        ) { _ in }
        #expect(consumer.partitionStates().isEmpty)
    }

    @Test("a consumer without topics is refused")
    func noTopics() {
        #expect(throws: KafkaError.self) {
            _ = try KafkaConsumer(
                configuration: KafkaConsumerConfiguration(brokers: ["127.0.0.1:9"], groupID: "g", topics: []),
                logger: .kafkaTest
            ) { _ in }
        }
    }

    @Test("when librdkafka refuses a configuration at creation, the error explains it without quoting secrets")
    func creationErrorsAreRedacted() {
        let error = #expect(throws: KafkaError.self) {
            _ = try KafkaProducer(
                brokers: [],
                options: [
                    "security.protocol": "ssl",
                    "ssl.key.pem": "hunter2-not-a-key",
                    "ssl.certificate.pem": "hunter2-not-a-certificate",
                ],
                logger: .kafkaTest
            )
        }
        #expect(error?.message.contains("ssl.certificate.pem") == true)
        #expect(error?.description.contains("hunter2") == false)
    }
}
