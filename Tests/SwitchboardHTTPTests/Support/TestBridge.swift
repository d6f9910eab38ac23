import Foundation
import Logging
import SwitchboardCore
import SwitchboardHTTP
import Mapping
import Stripe

/// A whole bridge (journal, lanes, webhook and admin listeners on port 0) built from YAML, posting to `baseURL`.
struct TestBridge {
    let bridge: Bridge
    let client: CurlHTTPClient
    let directory: String
    private let runner: Task<Void, any Error>

    static func yaml(endpoint: String, journal: String, capacity: Int = 1000, maxBody: String = "1MiB", retry: String = "{ max_attempts: 5, base: 50ms, cap: 200ms, deadline: 55m }", body: String = "passthrough") -> String {
        """
        polyai:
          endpoint: \(endpoint)
          account_id: ws-test
        listen: 127.0.0.1:0
        admin: 127.0.0.1:0
        journal: { path: \(journal), capacity: \(capacity) }
        webhook: { max_body: \(maxBody) }
        integrations:
          bookings:
            plugin: mapping
            project_id: PROJECT-TEST
            key: { env: TEST_KEY_BOOKINGS, agents: [PROJECT-TEST], permissions: [external_events], expires: 2099-01-01 }
            options:
              event_id: { from: json, path: cid }
              body: \(body)
            retry: \(retry)
        routes:
          - from: { webhook: /hooks/bookings }
            to: bookings
        """
    }

    static let key = "sk-bridge-test-9f8e7d6c5b4a"

    /// Builds the bridge; `extra` replaces the built integrations by name (test integrations).
    init(yaml: String, directory: String, extra: [String: any Integration] = [:], clock: any DeliveryClock = SystemDeliveryClock()) throws {
        let loaded = ConfigLoader.load(yaml: yaml, file: directory + "/switchboard.yaml", environment: ["TEST_KEY_BOOKINGS": Self.key])
        guard let config = loaded.config else {
            throw TestFailure("config did not load: \(loaded.issues)")
        }
        var registry = IntegrationRegistry()
        MappingIntegration.register(in: &registry)
        StripeIntegration.register(in: &registry)
        let diagnostics = ConfigDiagnostics()
        var integrations = registry.build(config, diagnostics: diagnostics)
        integrations.merge(extra) { _, new in new }
        guard !diagnostics.hasErrors else { throw TestFailure("plugins did not build: \(diagnostics.issues)") }
        let client = CurlHTTPClient(logger: Logger(label: "test"))
        let bridge = try Bridge(
            config: config, integrations: integrations,
            keys: Dictionary(uniqueKeysWithValues: config.integrations.map { ($0.name, KeyHolder(APIKey(Self.key))) }),
            transport: ExternalEventsClient(client: client), clock: clock, logger: Logger(label: "test")
        )
        self.bridge = bridge
        self.client = client
        self.directory = directory
        runner = Task {
            try await bridge.replayJournal()
            try await withThrowingDiscardingTaskGroup { group in
                for service in bridge.services {
                    group.addTask { try await service.run() }
                }
            }
        }
    }

    var webhookURL: String {
        get async { "http://127.0.0.1:\(await bridge.webhook.port.value())" }
    }

    var adminURL: String {
        get async { "http://127.0.0.1:\(await bridge.admin.port.value())" }
    }

    func stop() async {
        runner.cancel()
        _ = try? await runner.value
        await bridge.close()
        client.shutdown()
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A fresh temporary directory.
func temporaryDirectory() -> String {
    let path = NSTemporaryDirectory() + "switchboard-test-" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A plain HTTP request through libcurl (the tests' own client of the webhook listener).
func httpRequest(_ client: CurlHTTPClient, _ url: String, method: String = "POST", body: String = "", headers: [(String, String)] = [("Content-Type", "application/json")]) async throws -> HTTPClientResponse {
    var request = HTTPClientRequest(url: url, headers: headers.map { HTTPHeader($0.0, $0.1) }, body: Array(body.utf8), timeout: .seconds(10))
    request.method = method
    return try await client.send(request)
}
