import Logging
import Synchronization

/// A log handler that keeps every rendered record, so tests can check what a client logged.
struct ClientLogRecorder: LogHandler {
    /// The records logged so far, shared by every copy of the handler.
    final class Store: Sendable {
        private let lines = Mutex<[String]>([])

        /// Every record: level, message and metadata, one string each.
        var records: [String] { lines.withLock { $0 } }

        fileprivate func append(_ line: String) {
            lines.withLock { $0.append(line) }
        }
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
        store.append("\(event.level) \(event.message) \(all)")
    }
}
