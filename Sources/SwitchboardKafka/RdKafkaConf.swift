internal import CRdKafka
import Foundation

/// Owns an `rd_kafka_conf_t` until librdkafka takes it (`rd_kafka_new` succeeded), else frees it in `deinit`.
final class RdKafkaConf {
    private var pointer: OpaquePointer?
    /// Values of secret-looking options, masked out of any librdkafka text that could quote them.
    private(set) var secretValues: [String] = []

    /// Builds a configuration from ordered key/value pairs; a rejected pair throws an error naming only the key.
    init(settings: [(key: String, value: String)]) throws(KafkaError) {
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError.local("librdkafka could not allocate a configuration")
        }
        self.pointer = conf
        for (key, value) in settings {
            try set(key, value)
        }
    }

    deinit {
        if let pointer {
            rd_kafka_conf_destroy(pointer)
        }
    }

    /// The configuration pointer while still owned here.
    var raw: OpaquePointer? { pointer }

    /// Sets one property. librdkafka's own error text can quote the value, so it is not used.
    func set(_ key: String, _ value: String) throws(KafkaError) {
        guard let pointer else { throw KafkaError.local("configuration already handed to librdkafka") }
        if Self.looksSecret(key), !value.isEmpty {
            secretValues.append(value)
        }
        var errorText = [CChar](repeating: 0, count: 512)
        let result = rd_kafka_conf_set(pointer, key, value, &errorText, errorText.count)
        switch result {
        case RD_KAFKA_CONF_OK:
            return
        case RD_KAFKA_CONF_UNKNOWN:
            throw KafkaError.unknownOption(key)
        default:
            throw KafkaError.invalidOption(key)
        }
    }

    /// Replaces every secret option value found in `text` by `****`.
    func redact(_ text: String) -> String {
        secretValues.reduce(text) { $0.replacingOccurrences(of: $1, with: "****") }
    }

    /// True for option names that carry credentials (passwords, keys, tokens, JAAS or OAuth settings).
    static func looksSecret(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return ["password", "secret", "token", "jaas", "oauthbearer.config", "key.pem", "certificate.pem", "credential"]
            .contains { lowered.contains($0) }
    }

    /// Gives up ownership: call right after `rd_kafka_new` succeeded with this configuration.
    func relinquish() {
        pointer = nil
    }
}
