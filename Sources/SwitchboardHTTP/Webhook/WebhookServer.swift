import Hummingbird
import HummingbirdCore
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
        let settings = responder.settings
        // NIO's own header limits are a backstop well above ours: the responder answers 431 with a reason, while a
        // request past NIO's limits is only closed with 400.
        var decoder = HTTP1Channel.Configuration.DecoderConfiguration()
        decoder.maxHeaderFieldCount = max(settings.maxHeaders * 2, 200)
        decoder.maxHeaderListSize = max(settings.maxHeaderBytes * 2, 64 << 10)
        decoder.maxHeaderFieldSize = decoder.maxHeaderListSize
        let readTimeout = settings.readTimeout
        let channel = HTTP1Channel.Configuration(
            additionalChannelHandlers: [RequestReadDeadline(timeout: readTimeout)],
            httpDecoderConfiguration: decoder
        )
        let app = Application(
            responder: responder,
            server: .http1(configuration: channel),
            configuration: .init(
                address: .hostname(host, port: requestedPort), serverName: "switchboard",
                availableConnectionsDelegate: MaximumAvailableConnections(settings.maxConnections)
            ),
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
