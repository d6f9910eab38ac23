import Foundation
import Logging
import SwitchboardCore
import Synchronization

/// Writes one line per log record to standard error, as logfmt (`ts=… level=info msg="…" key=value`) or JSON.
struct StructuredLogHandler: LogHandler {
    enum Format: String {
        case logfmt, json

        static let all: [Format] = [.logfmt, .json]
    }

    /// The format and level every handler writes with, as indexes into `Format.all` and `Logger.Level.allCases`
    /// (read for every log call, so an atomic rather than a lock); a configuration reload changes them.
    static let format = Atomic<Int>(0)
    static let level = Atomic<Int>(Logger.Level.allCases.firstIndex(of: .info) ?? 2)

    var metadata: Logger.Metadata = [:]
    /// A level set on one logger in code, instead of the configured one.
    private var chosenLevel: Logger.Level?
    private let label: String
    private static let output = Mutex<Void>(())

    var logLevel: Logger.Level {
        get { chosenLevel ?? Logger.Level.allCases[Self.level.load(ordering: .relaxed)] }
        set { chosenLevel = newValue }
    }

    init(label: String) {
        self.label = label
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let timestamp = Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        var line: String
        switch Format.all[Self.format.load(ordering: .relaxed)] {
        case .logfmt:
            line = "ts=\(timestamp) level=\(event.level) msg=\(Self.logfmtValue(event.message.description))"
            for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
                line += " \(key)=\(Self.logfmtValue(value.description))"
            }
        case .json:
            line = "{\"ts\":\(Self.jsonString(timestamp)),\"level\":\"\(event.level)\",\"msg\":\(Self.jsonString(event.message.description))"
            for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
                line += ",\(Self.jsonString(key)):\(Self.jsonString(value.description))"
            }
            line += "}"
        }
        line += "\n"
        Self.output.withLock { _ in
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    /// A logfmt value: bare when it is plain, otherwise quoted with every control character escaped, so no value
    /// can end the line, fake another record or reach the terminal as an escape sequence.
    static func logfmtValue(_ text: String) -> String {
        let printable = TextEscaping.printable(text)
        if !text.isEmpty, printable == text, !text.unicodeScalars.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.properties.isWhitespace }) {
            return text
        }
        return "\"" + printable.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func jsonString(_ text: String) -> String {
        "\"" + TextEscaping.json(text) + "\""
    }
}

/// Bootstraps logging once per process.
enum LogSetup {
    static func bootstrap(format: String, level: String) {
        apply(format: format, level: level)
        LoggingSystem.bootstrap { label in StructuredLogHandler(label: label) }
    }

    /// Changes the format and level of every logger (a reloaded `log:` block).
    static func apply(format: String, level: String) {
        let format = StructuredLogHandler.Format(rawValue: format) ?? .logfmt
        let level = Logger.Level(rawValue: level) ?? .info
        StructuredLogHandler.format.store(StructuredLogHandler.Format.all.firstIndex(of: format) ?? 0, ordering: .relaxed)
        StructuredLogHandler.level.store(Logger.Level.allCases.firstIndex(of: level) ?? 2, ordering: .relaxed)
    }
}
