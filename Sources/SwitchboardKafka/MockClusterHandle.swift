internal import CRdKafka

/// Owns a `rd_kafka_mock_cluster_t` and the client it runs on, and frees the cluster in `deinit`
/// (the client, destroyed right after by its own owner, must outlive the cluster).
final class MockClusterHandle: Sendable {
    let cluster: RdKafkaPointer
    let bootstrapServers: String
    private let client: RdKafkaClient

    init(brokers: Int32, client: RdKafkaClient) throws(KafkaError) {
        guard let cluster = rd_kafka_mock_cluster_new(client.handle.raw, brokers) else {
            throw KafkaError.local("librdkafka could not start a mock cluster")
        }
        self.cluster = RdKafkaPointer(raw: cluster)
        self.bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
        self.client = client
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster.raw)
    }
}
