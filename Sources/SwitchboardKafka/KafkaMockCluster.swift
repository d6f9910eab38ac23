internal import CRdKafka
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
    public func setBrokerDown(_ id: Int32) throws(KafkaError) {
        try withCluster("setting broker \(id) down") { cluster in
            rd_kafka_mock_broker_set_down(cluster, id)
        }
    }

    /// Brings broker `id` back up.
    public func setBrokerUp(_ id: Int32) throws(KafkaError) {
        try withCluster("setting broker \(id) up") { cluster in
            rd_kafka_mock_broker_set_up(cluster, id)
        }
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
