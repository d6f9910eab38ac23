import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SwitchboardKafka
import UnixSignals

/// `switchboard kafka-mock`: a local Kafka cluster (librdkafka's mock cluster) for trying Kafka routes without a broker.
struct KafkaMockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka-mock",
        abstract: "Run a local in-memory Kafka cluster (real Kafka protocol on loopback) and print its bootstrap address.",
        discussion: "Data lives in memory only and each partition keeps about 5 MiB. Stop with Ctrl-C."
    )

    @Option(name: .customLong("topic"), help: "A topic to create, as NAME or NAME:PARTITIONS (repeatable).")
    var topics: [String] = []

    @Option(help: "Number of brokers.")
    var brokers: Int = 1

    func run() async throws {
        LogSetup.bootstrap(format: "logfmt", level: "notice")
        let logger = Logger(label: "switchboard.kafka-mock")
        let cluster: KafkaMockCluster
        do {
            cluster = try KafkaMockCluster(brokers: max(1, brokers), logger: logger)
            for topic in topics {
                let parts = topic.split(separator: ":")
                let partitions = parts.count > 1 ? Int32(parts[1]) ?? 1 : 1
                try cluster.createTopic(String(parts[0]), partitions: max(1, partitions))
            }
        } catch {
            var stderr = StandardError()
            stderr.write("switchboard kafka-mock: \(error)\n")
            throw ExitCode(1)
        }
        logger.notice("kafka mock cluster ready", metadata: [
            "kafka.bootstrap": .string(cluster.bootstrapServers), "kafka.topics": .string(topics.joined(separator: ",")),
        ])
        FileHandle.standardOutput.write(Data("bootstrap: \(cluster.bootstrapServers)\n".utf8))
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        for await _ in signals { break }
        cluster.shutdown()
    }
}
