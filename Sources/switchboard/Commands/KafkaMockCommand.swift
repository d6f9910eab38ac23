import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SwitchboardKafka
import UnixSignals

/// `switchboard kafka-mock`: a local Kafka cluster (librdkafka's mock cluster) for trying Kafka routes without a broker.
///
/// Scripts rehearse a broker outage with signals: SIGUSR1 takes every broker down, SIGUSR2 brings them back up; each
/// change is confirmed on standard output (`brokers: down`, `brokers: up`) once it is in force.
struct KafkaMockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka-mock",
        abstract: "Run a local in-memory Kafka cluster (real Kafka protocol on loopback) and print its bootstrap address.",
        discussion: """
            Data lives in memory only and each partition keeps about 5 MiB. Stop with Ctrl-C or SIGTERM.

            Outages for scripts and tests: `kill -USR1 PID` takes every broker down (connections drop, new ones are \
            refused, topics and committed offsets are kept), `kill -USR2 PID` brings them back up. Each change is \
            confirmed on standard output with a line `brokers: down` or `brokers: up` once it is in force.
            """
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
        // Trapped before the address is printed, so a script that read it can signal at once.
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint, .sigusr1, .sigusr2)
        Self.say("bootstrap: \(cluster.bootstrapServers)")
        for await signal in signals {
            switch signal {
            case .sigusr1:
                Self.change(cluster, down: true, logger: logger)
            case .sigusr2:
                Self.change(cluster, down: false, logger: logger)
            default:
                cluster.shutdown()
                return
            }
        }
        cluster.shutdown()
    }

    /// Takes every broker down or up, and confirms it (or says why not) on standard output.
    private static func change(_ cluster: KafkaMockCluster, down: Bool, logger: Logger) {
        let state = down ? "down" : "up"
        do {
            if down {
                try cluster.setAllBrokersDown()
            } else {
                try cluster.setAllBrokersUp()
            }
            logger.notice("kafka mock brokers \(state)", metadata: ["kafka.brokers": .stringConvertible(cluster.brokerCount)])
            say("brokers: \(state)")
        } catch {
            logger.error("kafka mock brokers could not be set \(state)", metadata: ["kafka.error": .string("\(error)")])
            say("brokers: error: \(error)")
        }
    }

    private static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
