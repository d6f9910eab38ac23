import Foundation
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardBridge

/// Posts N webhooks at a fixed concurrency and waits until every one has its outcome.
enum WebhookThroughput {
    struct Result {
        var ingressRate: Double
        var deliveryRate: Double
        /// This process's CPU (user + system) per delivered event: Switchboard's, when the load comes from `wrk`.
        var cpuMicrosecondsPerEvent: Double
    }

    /// With `wrk` installed, `wrk` posts for `seconds` and the rate counts until the last event has its outcome.
    static func runWithWrk(sink: String, seconds: Int, wrk: String, maxInFlight: Int = 64) async throws -> Result {
        let bench = try await BenchBridge(sink: sink, maxInFlight: maxInFlight)
        let start = ContinuousClock.now
        let cpu = ProcessCPU.seconds()
        let posted = try WrkLoad.post(to: bench.webhookURL, seconds: seconds, wrk: wrk)
        let ingressElapsed = ContinuousClock.now - start
        while bench.bridge.journal.depth > 0 {
            try await Task.sleep(for: .milliseconds(1))
        }
        let elapsed = ContinuousClock.now - start
        let used = ProcessCPU.seconds() - cpu
        await bench.stop()
        return Result(
            ingressRate: Double(posted) / ingressElapsed.seconds, deliveryRate: Double(posted) / elapsed.seconds,
            cpuMicrosecondsPerEvent: used * 1_000_000 / Double(max(1, posted))
        )
    }

    static func run(sink: String, events: Int, concurrency: Int, maxInFlight: Int = 64) async throws -> Result {
        let bench = try await BenchBridge(sink: sink, maxInFlight: maxInFlight)
        let start = ContinuousClock.now
        try await post(events, to: bench.webhookURL, concurrency: concurrency)
        let ingressElapsed = ContinuousClock.now - start
        while bench.bridge.journal.depth > 0 {
            try await Task.sleep(for: .milliseconds(1))
        }
        let elapsed = ContinuousClock.now - start
        await bench.stop()
        return Result(
            ingressRate: Double(events) / ingressElapsed.seconds,
            deliveryRate: Double(events) / elapsed.seconds,
            cpuMicrosecondsPerEvent: .nan
        )
    }
}

extension WebhookThroughput {
    /// Posts `events` 1 KB webhooks to `url` from `concurrency` clients; each must be answered `202`.
    static func post(_ events: Int, to url: String, concurrency: Int) async throws {
        let loadClient = CurlHTTPClient(logger: .init(label: "load"))
        defer { loadClient.shutdown() }
        let next = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    while let index = next.take(below: events) {
                        let response = try await loadClient.send(HTTPClientRequest(
                            url: url, headers: [HTTPHeader("Content-Type", "application/json")], body: BenchBridge.body(index)
                        ))
                        guard response.status == 202 else { throw BenchError("webhook answered \(response.status)") }
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}

/// Hands out indexes to concurrent workers.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        defer { value += 1 }
        return value
    }
}

