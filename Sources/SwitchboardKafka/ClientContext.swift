internal import CRdKafka
import Logging

/// What librdkafka's C callbacks reach through the client's opaque pointer: the logger, and for a group
/// consumer the core that handles rebalances. `RdKafkaClient` keeps it alive until after `rd_kafka_destroy`.
final class ClientContext: Sendable {
    let logger: Logger
    let role: String
    let consumer: ConsumerCore?

    init(logger: Logger, role: String, consumer: ConsumerCore? = nil) {
        self.logger = logger
        self.role = role
        self.consumer = consumer
    }

    /// The pointer handed to `rd_kafka_conf_set_opaque`; unretained because the client owns the context.
    var opaque: UnsafeMutableRawPointer {
        Unmanaged.passUnretained(self).toOpaque()
    }

    /// The context behind an opaque pointer given back by librdkafka.
    static func from(_ opaque: UnsafeMutableRawPointer?) -> ClientContext? {
        guard let opaque else { return nil }
        return Unmanaged<ClientContext>.fromOpaque(opaque).takeUnretainedValue()
    }

    /// Installs the opaque pointer and the log and error callbacks on a configuration.
    func install(on conf: OpaquePointer) {
        rd_kafka_conf_set_opaque(conf, opaque)
        rd_kafka_conf_set_log_cb(conf, clientLogCallback)
        rd_kafka_conf_set_error_cb(conf, clientErrorCallback)
    }

    /// librdkafka's syslog level for the logger's level, so librdkafka does not format lines nobody keeps.
    static func syslogLevel(for level: Logger.Level) -> Int32 {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// The logger level for one of librdkafka's syslog levels.
    static func loggerLevel(forSyslog level: Int32) -> Logger.Level {
        switch level {
        case ...2: .critical
        case 3: .error
        case 4: .warning
        case 5: .notice
        case 6: .info
        default: .debug
        }
    }

    /// Forwards one librdkafka log line.
    func log(level: Int32, facility: String, text: String) {
        var mapped = Self.loggerLevel(forSyslog: level)
        if role == "mock", facility == "CONFWARN" {
            // The mock cluster's host client never connects anywhere; its "no bootstrap.servers" note is noise.
            mapped = .debug
        }
        logger.log(
            level: mapped,
            "\(text)",
            metadata: [KafkaLogKey.facility: "\(facility)", KafkaLogKey.client: "\(role)"]
        )
    }

    /// Handles an error librdkafka reports outside any request (broker down, authentication, fatal).
    func reportError(code: Int32, reason: String) {
        if code == RD_KAFKA_RESP_ERR__FATAL.rawValue {
            logger.critical(
                "librdkafka raised a fatal error",
                metadata: [KafkaLogKey.error: "\(reason)", KafkaLogKey.client: "\(role)"]
            )
            consumer?.recordFailure(KafkaError(code: code, message: "fatal librdkafka error: \(reason)"))
            return
        }
        logger.warning(
            "librdkafka reported an error",
            metadata: [
                KafkaLogKey.error: "\(reason)",
                KafkaLogKey.errorCode: "\(code)",
                KafkaLogKey.client: "\(role)",
            ]
        )
    }
}

/// log_cb: runs on librdkafka's internal threads. It only reads the client's opaque (a plain field read,
/// no lock) and hands the line to the Swift logger, as librdkafka asks of a non-forwarded log callback.
private func clientLogCallback(
    _ handle: OpaquePointer?,
    _ level: Int32,
    _ facility: UnsafePointer<CChar>?,
    _ text: UnsafePointer<CChar>?
) {
    guard let handle, let context = ClientContext.from(rd_kafka_opaque(handle)) else { return }
    let facilityString = facility.map { String(cString: $0) } ?? ""
    let textString = text.map { String(cString: $0) } ?? ""
    context.log(level: level, facility: facilityString, text: textString)
}

/// error_cb: served by the consumer's poll thread or the producer's background thread.
private func clientErrorCallback(
    _ handle: OpaquePointer?,
    _ code: Int32,
    _ reason: UnsafePointer<CChar>?,
    _ opaque: UnsafeMutableRawPointer?
) {
    guard let context = ClientContext.from(opaque) else { return }
    var reasonString = reason.map { String(cString: $0) } ?? ""
    if code == RD_KAFKA_RESP_ERR__FATAL.rawValue, let handle {
        var text = [CChar](repeating: 0, count: 512)
        let fatal = rd_kafka_fatal_error(handle, &text, text.count)
        if fatal != RD_KAFKA_RESP_ERR_NO_ERROR {
            reasonString = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
    context.reportError(code: code, reason: reasonString)
}
