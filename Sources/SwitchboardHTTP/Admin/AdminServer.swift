import Hummingbird
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle
import SwitchboardCore

/// The admin listener: `/healthz`, `/readyz`, `/metrics` (Prometheus text) and a small status page.
public struct AdminServer: Service {
    /// The bound port.
    public let port = ListeningPort()
    private let host: String
    private let requestedPort: Int
    private let registry: PrometheusCollectorRegistry
    private let readiness: any AdminStatus
    private let logger: Logger

    /// Makes the admin listener.
    public init(host: String, port: Int, registry: PrometheusCollectorRegistry, readiness: any AdminStatus, logger: Logger) {
        self.host = host
        self.requestedPort = port
        self.registry = registry
        self.readiness = readiness
        self.logger = logger
    }

    public func run() async throws {
        let router = Hummingbird.Router()
        let registry = self.registry
        let readiness = self.readiness
        router.get("healthz") { _, _ in
            Self.text(.ok, "ok\n", type: "text/plain")
        }
        router.get("readyz") { _, _ in
            let report = readiness.report()
            return Self.text(report.ready ? .ok : .serviceUnavailable, report.json, type: "application/json")
        }
        router.get("metrics") { _, _ in
            readiness.refreshGauges()
            var bytes: [UInt8] = []
            bytes.reserveCapacity(16 * 1024)
            registry.emit(into: &bytes)
            var response = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            response.headers[.contentType] = "text/plain; version=0.0.4"
            return response
        }
        router.get("/") { _, _ in
            Self.text(.ok, readiness.statusPage(), type: "text/html; charset=utf-8")
        }
        let port = self.port
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: requestedPort), serverName: "switchboard-admin"),
            onServerRunning: { port.bound($0) },
            logger: logger
        )
        try await app.run()
    }

    static func text(_ status: HTTPResponse.Status, _ text: String, type: String) -> Response {
        var response = Response(status: status, body: .init(byteBuffer: ByteBuffer(string: text)))
        response.headers[.contentType] = type
        return response
    }
}
