import Foundation
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardBridge

/// Posts webhooks at a steady rate and records each request's time to `202` (durably journalled).
enum IngressLatency {
    struct Result {
        var p50: Double
        var p99: Double
        var max: Double
    }

    static func run(sink: String, rate: Int, seconds: Int) async throws -> Result {
        let bench = try await BenchBridge(sink: sink, maxInFlight: 64)
        let loadClient = CurlHTTPClient(logger: .init(label: "load"))
        let total = rate * seconds
        let interval = Duration.nanoseconds(1_000_000_000 / rate)
        let start = ContinuousClock.now
        var latencies: [Double] = []
        latencies.reserveCapacity(total)
        try await withThrowingTaskGroup(of: Double.self) { group in
            for index in 0..<total {
                let due = start + interval * index
                let now = ContinuousClock.now
                if due > now { try await Task.sleep(until: due, clock: .continuous) }
                group.addTask {
                    let sent = ContinuousClock.now
                    let response = try await loadClient.send(HTTPClientRequest(
                        url: bench.webhookURL, headers: [HTTPHeader("Content-Type", "application/json")], body: BenchBridge.body(index)
                    ))
                    guard response.status == 202 else { throw BenchError("webhook answered \(response.status)") }
                    return (ContinuousClock.now - sent).seconds * 1000
                }
            }
            for try await latency in group { latencies.append(latency) }
        }
        loadClient.shutdown()
        await bench.stop()
        latencies.sort()
        func percentile(_ p: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            return latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
        }
        return Result(p50: percentile(0.5), p99: percentile(0.99), max: latencies.last ?? 0)
    }
}
