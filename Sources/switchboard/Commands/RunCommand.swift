import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import SwitchboardBridge
import SwitchboardCore
import SwitchboardHTTP

/// `switchboard run`: runs the bridge until SIGTERM or SIGINT.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run Switchboard on a configuration until SIGTERM/SIGINT (graceful)."
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
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let logger = Logger(label: "switchboard")

        let client = CurlHTTPClient(proxy: settings.polyai.proxy, logger: logger)
        defer { client.shutdown() }
        let bridge: Bridge
        do {
            bridge = try Bridge(
                config: settings, integrations: checked.integrations, keys: checked.keys,
                transport: ExternalEventsClient(client: client), registry: registry, logger: logger
            )
        } catch {
            logger.critical("switchboard cannot start", metadata: [LogKey.error: .string("\(error)")])
            throw ExitCode(1)
        }
        try await bridge.replayJournal()

        let group = ServiceGroup(configuration: .init(
            services: bridge.services.map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ).with(maximumGracefulShutdownDuration: settings.shutdownTimeout))

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
            try await group.run()
        } catch {
            await bridge.close()
            throw error
        }
        await bridge.close()
        logger.notice("switchboard stopped", metadata: ["switchboard.journal_depth": .stringConvertible(bridge.journal.depth)])
    }
}

extension ServiceGroupConfiguration {
    /// The configuration with a bound on graceful shutdown (then tasks are cancelled).
    func with(maximumGracefulShutdownDuration duration: Duration) -> ServiceGroupConfiguration {
        var copy = self
        copy.maximumGracefulShutdownDuration = duration
        copy.maximumCancellationDuration = .seconds(5)
        return copy
    }
}
