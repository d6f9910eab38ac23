import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import Synchronization
import SwitchboardBridge
import SwitchboardCore
import SwitchboardHTTP

/// `switchboard run`: runs the bridge until SIGTERM or SIGINT.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run Switchboard on a configuration until SIGTERM/SIGINT (graceful); SIGHUP reloads it.",
        discussion: "The configuration is also reloaded when its file (or a file it includes with ${file:...}) changes, "
            + "and on POST /-/reload to the admin listener. A reload is checked in full first: an invalid file, or one "
            + "changing a setting bound at start (listen, admin, journal, webhook.journal, tracing, kafka), changes nothing."
    )

    @Option(name: .shortAndLong, help: "The YAML configuration file.")
    var config: String

    func run() async throws {
        let (checked, issues) = ConfigCheck.run(file: config)
        var stderr = StandardError()
        ConfigCheck.print(issues, to: &stderr)
        guard let checked else {
            stderr.write("\(config): not started, the configuration has errors\n")
            throw ExitCode(1)
        }
        let settings = checked.config
        LogSetup.bootstrap(format: settings.logging.format, level: settings.logging.level)
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Fuel per plugin call: from a trivial mapping to the default budget of 50 million.
        factory.valueHistogramBuckets["switchboard_plugin_fuel_used"] = [1e3, 1e4, 1e5, 1e6, 1e7, 5e7, 1e8, 1e9]
        MetricsSystem.bootstrap(factory)
        let logger = Logger(label: "switchboard")

        let client = CurlHTTPClient(maxConnections: settings.connectionPoolSize, proxy: settings.polyai.proxy, logger: logger)
        defer { client.shutdown() }
        let file = config
        let bridge: Bridge
        do {
            bridge = try Bridge(
                config: settings, integrations: checked.integrations, keys: checked.keys,
                transport: ExternalEventsClient(client: client), registry: registry, logger: logger,
                reload: {
                    let (checked, issues) = ConfigCheck.run(file: file)
                    return (checked.map { LoadedConfiguration(config: $0.config, integrations: $0.integrations, keys: $0.keys.mapValues(\.current)) }, issues)
                }
            )
        } catch {
            logger.critical("switchboard cannot start", metadata: [LogKey.error: .string("\(error)")])
            throw ExitCode(1)
        }
        try await bridge.replayJournal()

        let deadline = ShutdownDeadline(timeout: settings.shutdownTimeout)
        bridge.reloader.onApply { config in
            deadline.update(config.shutdownTimeout)
            LogSetup.apply(format: config.logging.format, level: config.logging.level)
        }
        var configuration = ServiceGroupConfiguration(
            services: (bridge.services + [deadline]).map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        configuration.maximumCancellationDuration = .seconds(5)
        let group = ServiceGroup(configuration: configuration)
        // Set before the group runs, so a SIGTERM arriving at once is bounded too.
        let running = Mutex<Task<Void, any Error>?>(nil)
        deadline.onExpiry { running.withLock { $0 }?.cancel() }
        let task = Task { try await group.run() }
        running.withLock { $0 = task }

        Task {
            let webhookPort = await bridge.webhook.port.value()
            let adminPort = await bridge.admin.port.value()
            logger.notice("switchboard ready", metadata: [
                "switchboard.webhook": .string("\(settings.listen.host):\(webhookPort)"),
                "switchboard.admin": .string("\(settings.admin.host):\(adminPort)"),
                "switchboard.config": .string(settings.file),
                "switchboard.integrations": .stringConvertible(settings.integrations.count),
            ])
        }
        do {
            try await task.value
        } catch {
            await bridge.close()
            throw error
        }
        await bridge.close()
        logger.notice("switchboard stopped", metadata: ["switchboard.journal_depth": .stringConvertible(bridge.journal.depth)])
    }
}

