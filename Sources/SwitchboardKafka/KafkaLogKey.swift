/// Logger metadata keys used by this module, one place so names stay consistent.
enum KafkaLogKey {
    static let topic = "kafka.topic"
    static let partition = "kafka.partition"
    static let partitions = "kafka.partitions"
    static let offset = "kafka.offset"
    static let group = "kafka.group"
    static let client = "kafka.client"
    static let facility = "kafka.facility"
    static let error = "kafka.error"
    static let errorCode = "kafka.error_code"
    static let protocolName = "kafka.rebalance_protocol"
    static let pending = "kafka.pending"
    static let version = "kafka.librdkafka_version"
    static let option = "kafka.option"
    static let bootstrap = "kafka.bootstrap"
}
