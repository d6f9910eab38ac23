import Foundation
import Logging
import Mapping
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardBridge

/// A bridge posting to the benchmark's sink, with the journal in a temporary directory.
struct BenchBridge {
    let bridge: Bridge
    let client: CurlHTTPClient
    let webhookURL: String
    private let runner: Task<Void, any Error>

    static let key = "sk-benchmark-key-0001"

    /// `kafka` (bootstrap, topic) adds a Kafka route to the same integration.
    init(sink: String, maxInFlight: Int, kafka: (bootstrap: String, topic: String)? = nil) async throws {
        let directory = NSTemporaryDirectory() + "switchboard-bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var yaml = """
        polyai: { endpoint: \(sink), account_id: ws-bench }
        listen: 127.0.0.1:0
        admin: 127.0.0.1:0
        journal: { path: \(directory), capacity: 1000000 }
        log: { level: warning }
        integrations:
          bench:
            plugin: mapping
            project_id: PROJECT-BENCH
            key: { env: BENCH_KEY, agents: [PROJECT-BENCH], permissions: [external_events] }
            options: { event_id: { from: json, path: cid } }
            max_in_flight: \(maxInFlight)
        routes:
          - { from: { webhook: /hooks/bench }, to: bench }

        """
        if let kafka {
            yaml += "  - { from: { kafka: \(kafka.topic) }, to: bench }\n"
            yaml += "kafka: { brokers: [\"\(kafka.bootstrap)\"], group_id: bench }\n"
        }
        let loaded = ConfigLoader.load(yaml: yaml, file: directory + "/bench.yaml", environment: ["BENCH_KEY": Self.key])
        guard let config = loaded.config else { throw BenchError("benchmark config invalid: \(loaded.issues)") }
        var registry = IntegrationRegistry()
        MappingIntegration.register(in: &registry)
        let integrations = registry.build(config, diagnostics: ConfigDiagnostics())
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let client = CurlHTTPClient(maxConnections: config.connectionPoolSize, logger: logger)
        let bridge = try Bridge(
            config: config, integrations: integrations, keys: ["bench": KeyHolder(APIKey(Self.key))],
            transport: ExternalEventsClient(client: client), logger: logger
        )
        self.bridge = bridge
        self.client = client
        runner = Task {
            try await withThrowingDiscardingTaskGroup { group in
                for service in bridge.services { group.addTask { try await service.run() } }
            }
        }
        webhookURL = "http://127.0.0.1:\(await bridge.webhook.port.value())/hooks/bench"
    }

    func stop() async {
        runner.cancel()
        _ = try? await runner.value
        await bridge.close()
        client.shutdown()
    }

    /// A 1 KB JSON body carrying `cid` (the padding is made once, so the load generator costs little).
    static func body(_ index: Int) -> [UInt8] {
        var bytes = Array(#"{"cid":"conv-\#(index % 5000)","seq":\#(index),"pad":""#.utf8)
        bytes.append(contentsOf: padding.prefix(max(0, 1022 - bytes.count)))
        bytes.append(contentsOf: Array(#""}"#.utf8))
        return bytes
    }

    private static let padding = [UInt8](repeating: UInt8(ascii: "x"), count: 1024)
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
