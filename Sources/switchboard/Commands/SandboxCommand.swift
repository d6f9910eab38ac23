import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SwitchboardSandbox

/// `switchboard sandbox`: a local stand-in for the External Events API.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run a local stand-in for PolyAI's External Events API (same paths, key checks, event ids, status codes)."
    )

    @Option(help: "Address to listen on (host:port).")
    var listen: String = "127.0.0.1:9300"

    @Option(help: "YAML file of the keys the sandbox accepts (permissions, agents, expiry). Without it any key is accepted.")
    var keys: String?

    @Option(help: "Fraction of requests answered 500 (0 to 1).")
    var errorRate: Double = 0

    @Option(help: "Fraction of requests answered 429 with Retry-After (0 to 1).")
    var throttleRate: Double = 0

    @Option(help: "Seconds in the Retry-After header of 429 answers.")
    var retryAfter: Int = 1

    @Option(help: "Milliseconds added before each answer.")
    var latencyMs: Int = 0

    @Option(help: "Fraction of requests whose connection is closed without an answer (0 to 1).")
    var dropRate: Double = 0

    @Option(help: "Lifetime of minted external event ids, in seconds.")
    var eventIdLifetime: Int = 3600

    @Option(help: "Log level (trace, debug, info, notice, warning, error).")
    var logLevel: String = "info"

    func run() async throws {
        guard let (host, port) = Self.hostPort(listen) else {
            throw ValidationError("--listen must be host:port, e.g. 127.0.0.1:9300")
        }
        LogSetup.bootstrap(format: "logfmt", level: logLevel)
        let logger = Logger(label: "switchboard.sandbox")
        var options = SandboxOptions()
        options.host = host
        options.port = port
        options.keysFile = keys
        options.eventIDLifetime = .seconds(eventIdLifetime)
        options.faults = SandboxFaults(
            errorRate: errorRate, throttleRate: throttleRate, retryAfter: retryAfter,
            latencyMilliseconds: latencyMs, dropRate: dropRate
        )
        let sandbox: Sandbox
        do {
            sandbox = try Sandbox(options: options, logger: logger)
        } catch {
            var stderr = StandardError()
            stderr.write("switchboard sandbox: \(error)\n")
            throw ExitCode(1)
        }
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: sandbox)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
        ))
        try await group.run()
    }

    /// Splits `host:port` (`[::1]:9300` for IPv6).
    static func hostPort(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }
}
