import Foundation
import Logging
import Spawn
import SwitchboardCore
import SwitchboardKafka

/// Pre-produces 1 KB events into a topic of a mock cluster running in a child process (so this process's CPU is
/// Switchboard's alone), then measures how fast the bridge consumes and delivers them all (every offset released
/// by an outcome), and how much CPU (user + system) this process spent per delivered event.
enum KafkaThroughput {
    struct Result {
        var deliveryRate: Double
        var cpuMicrosecondsPerEvent: Double
        var residentMegabytes: Double
    }

    static func run(sink: String, events: Int, partitions: Int = 4, maxInFlight: Int = 64) async throws -> Result {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let (broker, bootstrap) = try await BenchChild.start(["--mock-cluster", "bench:\(partitions)"], announcing: "bootstrap: ")
        defer { _ = broker.signal(SIGKILL) }
        // Compressed: the mock keeps about 5 MiB per partition.
        let producer = try KafkaProducer(brokers: [bootstrap], options: ["compression.type": "lz4", "linger.ms": "5"], logger: logger)
        let next = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<64 {
                group.addTask {
                    while let index = next.take(below: events) {
                        try await producer.send(topic: "bench", key: Array("conv-\(index % 5000)".utf8), value: BenchBridge.body(index), headers: [])
                    }
                }
            }
            try await group.waitForAll()
        }
        producer.shutdown()

        let start = ContinuousClock.now
        let bench = try await BenchBridge(sink: sink, maxInFlight: maxInFlight, kafka: (bootstrap, "bench"))
        // The clock starts at the first released offset, so the consumer group's first join (≈3 s on the mock
        // cluster) is not counted as delivery time.
        var released: Int64 = 0
        var first: (at: ContinuousClock.Instant, released: Int64, cpu: Double)?
        while released < Int64(events) {
            try await Task.sleep(for: .milliseconds(2))
            released = bench.bridge.kafka?.partitionStates().reduce(0) { $0 + ($1.storedOffset ?? 0) } ?? 0
            if first == nil, released > 0 { first = (ContinuousClock.now, released, ProcessCPU.seconds()) }
            if ContinuousClock.now - start > .seconds(300) { throw BenchError("Kafka run did not finish in 300 s (\(released) of \(events))") }
        }
        let measured = first ?? (start, 0, 0)
        let elapsed = ContinuousClock.now - measured.at
        let cpu = ProcessCPU.seconds() - measured.cpu
        let resident = ResidentMemory.megabytes()
        await bench.stop()
        let delivered = Double(Int64(events) - measured.released)
        return Result(deliveryRate: delivered / elapsed.seconds, cpuMicrosecondsPerEvent: cpu * 1_000_000 / max(1, delivered), residentMegabytes: resident)
    }

    /// The `--mock-cluster TOPIC:PARTITIONS` mode: serves until killed.
    static func serveMockCluster(_ spec: String) throws -> Never {
        var logger = Logger(label: "bench-broker")
        logger.logLevel = .error
        let parts = spec.split(separator: ":")
        let cluster = try KafkaMockCluster(brokers: 1, logger: logger)
        try cluster.createTopic(String(parts[0]), partitions: Int32(parts.count > 1 ? Int(parts[1]) ?? 4 : 4))
        FileHandle.standardOutput.write(Data("bootstrap: \(cluster.bootstrapServers)\n".utf8))
        while true { sleep(3600) }
    }
}

/// CPU time (user + system) this process has used, in seconds.
enum ProcessCPU {
    static func seconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1_000_000
    }
}
