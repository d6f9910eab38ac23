import Foundation
import Logging
import SwitchboardKafka
import Testing

@Suite("switchboard kafka-mock: brokers taken down and up by signals")
struct KafkaMockOutageTests {
    @Test("SIGUSR1 takes the brokers down (a send times out), SIGUSR2 brings them back (a send is acknowledged)")
    func signalsTakeBrokersDownAndUp() async throws {
        let cluster = try SwitchboardProcess(["kafka-mock", "--topic", "outage:1", "--brokers", "2"])
        defer {
            cluster.signal(SIGTERM)
        }
        let line = try #require(await cluster.waitForLine(containing: "bootstrap: "), "\(cluster.log)")
        let bootstrap = String(line.split(separator: " ").last ?? "")
        let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

        // A patient producer: its sends wait up to 30 s for the brokers (a bound, not a timing assertion).
        let patient = try KafkaProducer(
            brokers: [bootstrap], options: ["message.timeout.ms": "30000", "reconnect.backoff.max.ms": "200"], logger: quiet)
        defer { patient.shutdown(flushTimeout: .seconds(1)) }
        try await patient.send(topic: "outage", key: Array("conv-1".utf8), value: Array("before".utf8), headers: [])

        cluster.signal(SIGUSR1)
        #expect(await cluster.waitForLine(containing: "brokers: down") != nil, "\(cluster.log)")

        // While every broker is down nothing can be acknowledged: a send with a short timeout must fail.
        let impatient = try KafkaProducer(brokers: [bootstrap], options: ["message.timeout.ms": "1500"], logger: quiet)
        await #expect(throws: KafkaError.self) {
            try await impatient.send(topic: "outage", key: Array("conv-1".utf8), value: Array("during".utf8), headers: [])
        }
        impatient.shutdown(flushTimeout: .milliseconds(100))

        cluster.signal(SIGUSR2)
        #expect(await cluster.waitForLine(containing: "brokers: up") != nil, "\(cluster.log)")
        try await patient.send(topic: "outage", key: Array("conv-1".utf8), value: Array("after".utf8), headers: [])

        #expect(!cluster.log.contains("brokers: error"), "\(cluster.log)")
        cluster.signal(SIGTERM)
        #expect(await cluster.waitForExit() == 0, "\(cluster.log)")
    }
}
