import Foundation
import Logging
import Mapping
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardBridge

/// Measures webhook → External Events delivery against a local sink, and prints one table.
///
/// Usage: `SwitchboardBenchmarks --sink http://127.0.0.1:PORT [--wrk-rate R] [--events N] [--ingress-rate R] [--ingress-seconds S]
/// [--kafka-events N] [--kafka-sweep 0] [--only webhook|kafka|plugins|slow] [--wasm-module acme.wasm]`
/// `Benchmarks/run.sh` starts nginx as the sink, measures the `wrk` ceiling and calls this.
@main
enum BenchmarkMain {
    static func main() async throws {
        let arguments = Arguments(CommandLine.arguments.dropFirst())
        if let spec = arguments.value("--mock-cluster") { try KafkaThroughput.serveMockCluster(spec) }
        if let delay = arguments.value("--slow-sink") { try await SlowSink.serve(delayMillis: delay) }
        guard let sink = arguments.value("--sink") else {
            FileHandle.standardError.write(Data("usage: SwitchboardBenchmarks --sink http://127.0.0.1:PORT [--wrk-rate R]\n".utf8))
            exit(2)
        }
        let events = Int(arguments.value("--events") ?? "") ?? 20_000
        let ingressRate = Int(arguments.value("--ingress-rate") ?? "") ?? 2_000
        let ingressSeconds = Int(arguments.value("--ingress-seconds") ?? "") ?? 5
        let wrkRate = Double(arguments.value("--wrk-rate") ?? "")

        var rows: [(String, String)] = []
        let idleRSS = ResidentMemory.megabytes()
        let only = arguments.value("--only")
        if only == nil || only == "webhook" {
            let throughput: WebhookThroughput.Result
            if let wrk = WrkLoad.executable {
                throughput = try await WebhookThroughput.runWithWrk(sink: sink, seconds: 8, wrk: wrk)
                rows.append(("webhook → sink delivery rate (wrk -c64 posting 1 KB for 8 s, until every outcome)", String(format: "%.0f events/s", throughput.deliveryRate)))
            } else {
                throughput = try await WebhookThroughput.run(sink: sink, events: events, concurrency: 64)
                rows.append(("webhook → sink delivery rate (1 KB, \(events) events, c=64, in-process load)", String(format: "%.0f events/s", throughput.deliveryRate)))
            }
            rows.append(("webhook ingress rate (202s, same run)", String(format: "%.0f requests/s", throughput.ingressRate)))
            if throughput.cpuMicrosecondsPerEvent.isFinite {
                rows.append(("Switchboard CPU per webhook event, user + system (same run)", String(format: "%.1f µs", throughput.cpuMicrosecondsPerEvent)))
            }
            if let wrkRate {
                rows.append(("wrk POST ceiling on the same sink and body", String(format: "%.0f requests/s", wrkRate)))
                rows.append(("delivery rate / wrk ceiling (target ≥ 0.5)", String(format: "%.2f", throughput.deliveryRate / wrkRate)))
            }
            let latency = try await IngressLatency.run(sink: sink, rate: ingressRate, seconds: ingressSeconds)
            rows.append(("time to 202 at \(ingressRate)/s, p50", String(format: "%.2f ms", latency.p50)))
            rows.append(("time to 202 at \(ingressRate)/s, p99 (target < 5 ms)", String(format: "%.2f ms", latency.p99)))
            rows.append(("time to 202 at \(ingressRate)/s, max", String(format: "%.2f ms", latency.max)))
        }
        if only == nil || only == "slow" {
            let slow = try await SlowDestination.deliveryRate()
            rows.append(("webhook → sink answering after 50 ms (its own process), 512 in flight (target ≥ 5,000)", String(format: "%.0f events/s", slow.deliveryRate)))
            let backlog = try await SlowDestination.residentWithBacklog()
            rows.append(("resident memory with 100,000 webhook events waiting behind a stalled sink (target < 300 MB)", String(format: "%.1f MB", backlog)))
        }
        let kafkaEvents = only == nil || only == "kafka" ? Int(arguments.value("--kafka-events") ?? "") ?? 20_000 : 0
        if kafkaEvents > 0 {
            let kafka = try await KafkaThroughput.run(sink: sink, events: kafkaEvents)
            rows.append(("Kafka → sink delivery rate (1 KB, \(kafkaEvents) pre-produced, 4 partitions, 64 in flight; target ≥ 40,000)", String(format: "%.0f events/s", kafka.deliveryRate)))
            if let wrkRate {
                rows.append(("Kafka delivery rate / wrk ceiling (target ≥ 0.27)", String(format: "%.2f", kafka.deliveryRate / wrkRate)))
            }
            rows.append(("Switchboard CPU per Kafka event, user + system (broker in another process; target ≤ 40 µs)", String(format: "%.1f µs", kafka.cpuMicrosecondsPerEvent)))
            rows.append(("resident memory at the end of the Kafka run", String(format: "%.1f MB", kafka.residentMegabytes)))
            if arguments.value("--kafka-sweep") != "0" {
                for (partitions, inFlight) in [(1, 64), (4, 512)] {
                    let run = try await KafkaThroughput.run(sink: sink, events: kafkaEvents, partitions: partitions, maxInFlight: inFlight)
                    rows.append((
                        "Kafka → sink, \(partitions) partition\(partitions == 1 ? "" : "s"), \(inFlight) in flight",
                        String(format: "%.0f events/s, %.1f µs CPU/event", run.deliveryRate, run.cpuMicrosecondsPerEvent)
                    ))
                }
            }
        }
        if let module = arguments.value("--wasm-module") {
            let plugin = try PluginMapping.run(wasmModule: module)
            rows.append(("map one 1 KB JSON event: native mapping plugin", String(format: "%.1f µs", plugin.nativeMicroseconds)))
            rows.append(("map one 1 KB JSON event: Wasm plugin (examples/plugins/acme-crm, reshapes the body)", String(format: "%.1f µs", plugin.wasmMicroseconds)))
            rows.append(("verify one 1 KB event: Wasm plugin's HMAC-SHA256 check", String(format: "%.1f µs", plugin.wasmVerifyMicroseconds)))
        }
        rows.append(("resident memory at start", String(format: "%.1f MB", idleRSS)))
        rows.append(("resident memory after the runs", String(format: "%.1f MB", ResidentMemory.megabytes())))
        Table.print(rows)
    }
}

/// `--name value` arguments.
struct Arguments {
    private let values: [String]
    init(_ values: ArraySlice<String>) { self.values = Array(values) }

    func value(_ name: String) -> String? {
        guard let index = values.firstIndex(of: name), index + 1 < values.count else { return nil }
        return values[index + 1]
    }
}

/// Resident set size of this process.
enum ResidentMemory {
    static func megabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes / 1024
    }
}

/// A two-column table.
enum Table {
    static func print(_ rows: [(String, String)]) {
        let width = rows.map(\.0.count).max() ?? 0
        let line = String(repeating: "-", count: width + 24)
        Swift.print(line)
        Swift.print("measure".padding(toLength: width, withPad: " ", startingAt: 0) + " | result")
        Swift.print(line)
        for (name, value) in rows {
            Swift.print(name.padding(toLength: width, withPad: " ", startingAt: 0) + " | " + value)
        }
        Swift.print(line)
    }
}
