internal import CRdKafka
import Glibc
import Logging
import Synchronization

/// librdkafka's in-process mock cluster (real Kafka protocol on loopback sockets).
///
/// Consumer groups, offset commits and produce/fetch behave as with a real broker, so tests and local trials
/// need no Kafka installation. Known traits: a new group's first join waits about 3 s, each partition keeps
/// only about 5 MiB (older data is dropped), and broker ids start at 1.
/// ```swift
/// let cluster = try KafkaMockCluster(brokers: 1, logger: logger)
/// try cluster.createTopic("crm.bookings", partitions: 4)
/// // brokers: [cluster.bootstrapServers]
/// ```
public final class KafkaMockCluster: Sendable {
    private let handle: Mutex<MockClusterHandle?>
    /// Comma-separated `host:port` list of the mock brokers (on 127.0.0.1, ports chosen by the system).
    public let bootstrapServers: String
    /// How many brokers the cluster has; their ids are 1 through this number.
    public let brokerCount: Int32
    /// Sockets bound to the ports of brokers that are down, by broker id (see `setBrokerDown`).
    private let heldPorts = Mutex<[Int32: Int32]>([:])

    /// Starts a mock cluster with `brokers` brokers.
    public init(brokers: Int = 1, logger: Logger) throws(KafkaError) {
        guard brokers >= 1, brokers <= 64 else {
            throw KafkaError.local("a mock cluster needs between 1 and 64 brokers, not \(brokers)")
        }
        let conf = try RdKafkaConf(settings: [
            ("client.id", "switchboard-mock"),
            ("log_level", String(ClientContext.syslogLevel(for: logger.logLevel))),
        ])
        let client = try RdKafkaClient(kind: .producer, conf: conf, context: ClientContext(logger: logger, role: "mock"))
        let cluster = try MockClusterHandle(brokers: Int32(brokers), client: client)
        self.bootstrapServers = cluster.bootstrapServers
        self.brokerCount = Int32(brokers)
        self.handle = Mutex(cluster)
        logger.info(
            "Kafka mock cluster started",
            metadata: [KafkaLogKey.bootstrap: "\(cluster.bootstrapServers)", KafkaLogKey.version: "\(librdkafkaVersion)"]
        )
    }

    /// Creates a topic; a topic that already exists is an error.
    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32 = 1) throws(KafkaError) {
        try withCluster("creating topic \(name)") { cluster in
            rd_kafka_mock_topic_create(cluster, name, partitions, replicationFactor)
        }
    }

    /// Takes broker `id` (1-based) down: connections drop and new ones are refused; leadership does not move.
    ///
    /// The broker's port stays taken while it is down (a socket is bound to it, without listening): librdkafka
    /// 2.0.2 aborts the process when bringing a broker up finds its port taken, and any other server on the
    /// machine asking for a free port could otherwise be given this one.
    public func setBrokerDown(_ id: Int32) throws(KafkaError) {
        try withCluster("setting broker \(id) down") { cluster in
            rd_kafka_mock_broker_set_down(cluster, id)
        }
        guard let port = port(of: id), let socket = Self.reserve(port: port) else { return }
        heldPorts.withLock { held in
            if let old = held.updateValue(socket, forKey: id) { close(old) }
        }
    }

    /// Brings broker `id` back up.
    public func setBrokerUp(_ id: Int32) throws(KafkaError) {
        if let socket = heldPorts.withLock({ $0.removeValue(forKey: id) }) { close(socket) }
        try withCluster("setting broker \(id) up") { cluster in
            rd_kafka_mock_broker_set_up(cluster, id)
        }
    }

    /// The port of broker `id`: the bootstrap list names the brokers in id order.
    private func port(of id: Int32) -> UInt16? {
        let addresses = bootstrapServers.split(separator: ",")
        guard id >= 1, Int(id) <= addresses.count, let colon = addresses[Int(id) - 1].lastIndex(of: ":") else { return nil }
        return UInt16(addresses[Int(id) - 1][addresses[Int(id) - 1].index(after: colon)...])
    }

    /// A socket bound to 127.0.0.1:`port` (not listening), or nil when the port cannot be taken.
    private static func reserve(port: UInt16) -> Int32? {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else { return nil }
        var yes: Int32 = 1
        _ = setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            close(socket)
            return nil
        }
        return socket
    }

    /// Takes every broker down at once (a whole-cluster outage): clients lose their connections and cannot reconnect.
    public func setAllBrokersDown() throws(KafkaError) {
        for id in 1...brokerCount {
            try setBrokerDown(id)
        }
    }

    /// Brings every broker back up.
    public func setAllBrokersUp() throws(KafkaError) {
        for id in 1...brokerCount {
            try setBrokerUp(id)
        }
    }

    /// Makes the next requests of Kafka API `apiKey` (e.g. 0 Produce, 1 Fetch, 8 OffsetCommit) fail, one
    /// error code (librdkafka `rd_kafka_resp_err_t` raw values) per request, in order.
    public func pushRequestErrors(apiKey: Int16, errorCodes: [Int32]) throws(KafkaError) {
        try withCluster("pushing request errors") { cluster in
            let codes = errorCodes.map { rd_kafka_resp_err_t(rawValue: $0) }
            codes.withUnsafeBufferPointer { buffer in
                rd_kafka_mock_push_request_errors_array(cluster, apiKey, buffer.count, buffer.baseAddress)
            }
            return RD_KAFKA_RESP_ERR_NO_ERROR
        }
    }

    /// Stops the brokers and frees the cluster. Idempotent; later calls throw.
    public func shutdown() {
        heldPorts.withLock { held in
            held.values.forEach { close($0) }
            held.removeAll()
        }
        let cluster = handle.withLock { handle in
            defer { handle = nil }
            return handle
        }
        // Freed here, outside the lock, when the last reference goes.
        _ = cluster
    }

    private func withCluster(
        _ doing: String,
        _ body: (OpaquePointer) -> rd_kafka_resp_err_t
    ) throws(KafkaError) {
        let code = try handle.withLock { handle throws(KafkaError) -> rd_kafka_resp_err_t in
            guard let handle else { throw KafkaError.local("the Kafka mock cluster is shut down") }
            return body(handle.cluster.raw)
        }
        if code != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(code, while: doing)
        }
    }
}
