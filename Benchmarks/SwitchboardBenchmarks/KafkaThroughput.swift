import Foundation
import SwitchboardCore
import Logging
import SwitchboardKafka

/// Pre-produces 1 KB events into a 4-partition topic of an in-process mock cluster, then measures how fast the
/// bridge consumes and delivers them all (every offset released by an outcome).
enum KafkaThroughput {
    struct Result {
        var deliveryRate: Double
        var residentMegabytes: Double
    }

    static func run(sink: String, events: Int) async throws -> Result {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let cluster = try KafkaMockCluster(brokers: 1, logger: logger)
        defer { cluster.shutdown() }
        try cluster.createTopic("bench", partitions: 4)
        // Compressed: the mock keeps about 5 MiB per partition.
        let producer = try KafkaProducer(brokers: [cluster.bootstrapServers], options: ["compression.type": "lz4", "linger.ms": "5"], logger: logger)
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
        let bench = try await BenchBridge(sink: sink, maxInFlight: 64, kafka: (cluster.bootstrapServers, "bench"))
        // The clock starts at the first released offset, so the consumer group's first join (≈3 s on the mock
        // cluster) is not counted as delivery time.
        var released: Int64 = 0
        var first: (at: ContinuousClock.Instant, released: Int64)?
        while released < Int64(events) {
            try await Task.sleep(for: .milliseconds(2))
            released = bench.bridge.kafka?.partitionStates().reduce(0) { $0 + ($1.storedOffset ?? 0) } ?? 0
            if first == nil, released > 0 { first = (ContinuousClock.now, released) }
            if ContinuousClock.now - start > .seconds(300) { throw BenchError("Kafka run did not finish in 300 s (\(released) of \(events))") }
        }
        let measured = first ?? (start, 0)
        let elapsed = ContinuousClock.now - measured.at
        let resident = ResidentMemory.megabytes()
        await bench.stop()
        return Result(deliveryRate: Double(Int64(events) - measured.released) / elapsed.seconds, residentMegabytes: resident)
    }
}
