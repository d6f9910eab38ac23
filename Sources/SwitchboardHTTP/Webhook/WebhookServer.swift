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
    private let tls: ListenerTLS?
    private let logger: Logger
    /// How often the TLS certificate and key files are checked for a change.
    private static let tlsCheckInterval: Duration = .seconds(2)

    /// Makes the listener and loads its certificate when `webhook.tls` is set (throwing when it cannot be used);
    /// nothing is bound before `run()`.
    public init(host: String, port: Int, responder: WebhookResponder, logger: Logger) throws {
        self.host = host
        self.requestedPort = port
        self.responder = responder
        self.tls = try responder.receiver.settings.tls.map { files throws(ListenerTLSError) in try ListenerTLS(files) }
        self.logger = logger
    }

    public func run() async throws {
        let port = self.port
        let settings = responder.receiver.settings
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
        let server: HTTPServerBuilder
        if let tls {
            server = HTTPServerBuilder { responder in TLSListenerChannel(base: HTTP1Channel(responder: responder, configuration: channel), tls: tls) }
        } else {
            server = .http1(configuration: channel)
        }
        let app = Application(
            responder: responder,
            server: server,
            configuration: .init(
                address: .hostname(host, port: requestedPort), serverName: "switchboard",
                availableConnectionsDelegate: MaximumAvailableConnections(settings.maxConnections)
            ),
            onServerRunning: { port.bound($0) },
            logger: logger
        )
        let intake = responder.intake
        let tls = self.tls
        let logger = self.logger
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await app.run() }
                if let tls {
                    group.addTask {
                        while (try? await Task.sleep(for: Self.tlsCheckInterval)) != nil {
                            tls.reloadIfChanged(logger: logger)
                        }
                    }
                }
                // The listener ending (shutdown or failure) ends the certificate watch too.
                try await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            intake.close()
        }
    }
}
