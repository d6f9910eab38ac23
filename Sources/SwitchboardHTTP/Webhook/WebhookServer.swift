import Hummingbird
import Logging
import ServiceLifecycle
import SwitchboardCore

/// The webhook listener as a service: serves until graceful shutdown, refusing new events (503) while it drains.
public struct WebhookServer: Service {
    /// The bound port (useful with port 0).
    public let port = ListeningPort()
    private let host: String
    private let requestedPort: Int
    private let responder: WebhookResponder
    private let logger: Logger

    /// Makes the listener; nothing is bound before `run()`.
    public init(host: String, port: Int, responder: WebhookResponder, logger: Logger) {
        self.host = host
        self.requestedPort = port
        self.responder = responder
        self.logger = logger
    }

    public func run() async throws {
        let port = self.port
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname(host, port: requestedPort), serverName: "switchboard"),
            onServerRunning: { port.bound($0) },
            logger: logger
        )
        let intake = responder.intake
        try await withGracefulShutdownHandler {
            try await app.run()
        } onGracefulShutdown: {
            intake.close()
        }
    }
}
