import Foundation
import Logging
import ServiceLifecycle
import Spawn
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardBridge
import HubSpot
import Mapping
import Salesforce
import Stripe
import Twilio
import WasmPlugin
import Zendesk

/// A whole bridge (journal, lanes, webhook and admin listeners on port 0) built from YAML, posting to `baseURL`.
struct TestBridge {
    let bridge: Bridge
    let client: CurlHTTPClient
    let directory: String
    private let runner: Task<Void, any Error>
    private let group: ServiceGroup

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

    /// Builds the bridge; `extra` replaces the built integrations by name (test integrations). The YAML is written to
    /// `directory/switchboard.yaml`, which a reload (`bridge.reloader`, `POST /-/reload`) reads again.
    init(
        yaml: String, directory: String, extra: [String: any Integration] = [:], clock: any DeliveryClock = SystemDeliveryClock(),
        environment: [String: String] = [:], reload: ConfigReloader.Loader? = nil
    ) throws {
        let file = directory + "/switchboard.yaml"
        try yaml.write(toFile: file, atomically: true, encoding: .utf8)
        let environment = environment.merging(["TEST_KEY_BOOKINGS": Self.key]) { $1 }
        let load: ConfigReloader.Loader = { Self.load(file: file, environment: environment, extra: extra, clock: clock) }
        let (loaded, issues) = load()
        guard let loaded else { throw TestFailure("config did not load: \(issues)") }
        let config = loaded.config
        let client = CurlHTTPClient(logger: Logger(label: "test"))
        let bridge = try Bridge(
            config: config, integrations: loaded.integrations,
            keys: loaded.keys.mapValues { KeyHolder($0) },
            transport: ExternalEventsClient(client: client), clock: clock, logger: Logger(label: "test"), reload: reload ?? load
        )
        self.bridge = bridge
        self.client = client
        self.directory = directory
        var configuration = ServiceGroupConfiguration(
            services: bridge.services.map { .init(service: $0) }, gracefulShutdownSignals: [], logger: Logger(label: "test")
        )
        configuration.maximumGracefulShutdownDuration = config.shutdownTimeout
        let group = ServiceGroup(configuration: configuration)
        self.group = group
        runner = Task {
            try await bridge.replayJournal()
            try await group.run()
        }
    }

    /// Reads `file` as `switchboard run` does: the configuration, its plugins (with `extra` in place of built ones)
    /// and a test key for every integration.
    static func load(
        file: String, environment: [String: String], extra: [String: any Integration], clock: any DeliveryClock
    ) -> (LoadedConfiguration?, [ConfigIssue]) {
        let loaded = ConfigLoader.load(file: file, environment: environment)
        guard let config = loaded.config else { return (nil, loaded.issues) }
        var registry = IntegrationRegistry()
        MappingIntegration.register(in: &registry)
        StripeIntegration.register(in: &registry)
        HubSpotIntegration.register(in: &registry, clock: clock)
        TwilioIntegration.register(in: &registry)
        SalesforceIntegration.register(in: &registry)
        ZendeskIntegration.register(in: &registry, clock: clock)
        WasmIntegration.register(in: &registry, clock: clock)
        let diagnostics = ConfigDiagnostics()
        var integrations = registry.build(config, diagnostics: diagnostics)
        integrations.merge(extra) { _, new in new }
        guard !diagnostics.hasErrors else { return (nil, loaded.issues + diagnostics.issues) }
        let keys = Dictionary(uniqueKeysWithValues: config.integrations.map { ($0.name, APIKey(Self.key)) })
        return (LoadedConfiguration(config: config, integrations: integrations, keys: keys), loaded.issues + diagnostics.issues)
    }

    /// Writes `yaml` as the configuration file (a reload reads it).
    func rewrite(_ yaml: String) throws {
        try yaml.write(toFile: directory + "/switchboard.yaml", atomically: true, encoding: .utf8)
    }

    var webhookURL: String {
        get async { "http://127.0.0.1:\(await bridge.webhook.port.value())" }
    }

    var adminURL: String {
        get async { "http://127.0.0.1:\(await bridge.admin.port.value())" }
    }

    /// Stops as SIGTERM does: services shut down gracefully in reverse order (listeners, Kafka, lanes).
    func stopGracefully() async {
        await group.triggerGracefulShutdown()
        _ = try? await runner.value
        await bridge.close()
        client.shutdown()
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

/// What the `curl` command-line client printed: the status line's code and the body.
struct CurlReply {
    var status: Int
    var body: String
}

/// Sends one request with the real `curl` binary (its own `Host`, its own header casing and framing), as a
/// provider's HTTP client would; `--data-binary` keeps the body byte for byte. Runs on a thread of its own, so
/// waiting for curl never holds one of the few cooperative threads the listener needs to answer.
func curl(_ url: String, body: String, headers: [(String, String)], extra: [String] = []) async throws -> CurlReply {
    let headers = headers.map { [$0.0, $0.1] }
    return try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try curlBlocking(url, body: body, headers: headers.map { ($0[0], $0[1]) }, extra: extra) })
        }
    }
}

private func curlBlocking(_ url: String, body: String, headers: [(String, String)], extra: [String]) throws -> CurlReply {
    var arguments = ["-s", "-o", "-", "-w", "\n%{http_code}", "--max-time", "10", "--noproxy", "*", "-X", "POST", "--data-binary", "@-"]
    for (name, value) in headers { arguments += ["-H", "\(name): \(value)"] }
    let process = try SpawnedProcess(executable: "/usr/bin/curl", arguments: arguments + extra + [url], input: Array(body.utf8), output: .separate)
    _ = process.waitUntilExit()
    let text = String(decoding: process.standardOutput, as: UTF8.self)
    guard let newline = text.lastIndex(of: "\n"), let status = Int(text[text.index(after: newline)...]) else {
        throw TestFailure("curl printed no status: \(text)" + String(decoding: process.standardError, as: UTF8.self))
    }
    return CurlReply(status: status, body: String(text[..<newline]))
}
