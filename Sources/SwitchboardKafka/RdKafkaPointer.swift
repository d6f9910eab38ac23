/// A librdkafka handle pointer (`rd_kafka_t`, `rd_kafka_queue_t`, `rd_kafka_mock_cluster_t`) that may cross threads.
///
/// `@unchecked Sendable` is safe here because librdkafka documents these handles as thread-safe (every public
/// call on them takes its own locks), and the pointee's lifetime is owned by exactly one final class
/// (`RdKafkaClient`, `MockClusterHandle`) that frees it in `deinit`, after the last user of the pointer is gone.
struct RdKafkaPointer: @unchecked Sendable {
    let raw: OpaquePointer
}
