import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

import SwitchboardSandbox

/// Keeps every log line (message and metadata) written through it.
final class LogRecorder: Sendable {
    private let lines = Mutex<[String]>([])

    /// Everything logged so far.
    var all: [String] { lines.withLock { $0 } }

    func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    /// A logger that records at every level.
    func logger() -> Logger {
        var logger = Logger(label: "switchboard.sandbox.recorded") { _ in RecordingHandler(recorder: self) }
        logger.logLevel = .trace
        return logger
    }
}

private struct RecordingHandler: LogHandler {
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        recorder.append("\(event.level) \(event.message) \(merged)")
    }
}

@Suite("What the sandbox logs")
struct LoggingTests {
    @Test("keys never reach the logs, even at trace level, and open mode is announced")
    func noSecretsInLogs() async throws {
        let recorder = LogRecorder()
        let secret = "sk-secret-never-logged-4242"
        var options = SandboxOptions(port: 0)
        options.faults = SandboxFaults()
        let sandbox = try Sandbox(options: options, logger: recorder.logger())
        let group = ServiceGroup(services: [sandbox], logger: quietLogger())
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let client = SandboxClient(port: await sandbox.boundPort())
            let minted = try await client.startConversation()
            #expect(try await client.postEvent(key: secret, body: #"{"cid": "\#(minted.externalEventID)"}"#).status == 201)
            #expect(try await client.postEvent(key: secret, body: #"{"cid": "unknown"}"#).status == 400)
            #expect(try await client.setFaults(#"{"error_rate": 1}"#).status == 200)
            #expect(try await client.postEvent(key: secret, body: "{}").status == 500)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let lines = recorder.all
        #expect(!lines.isEmpty)
        #expect(lines.allSatisfy { !$0.contains(secret) })
        #expect(lines.contains { $0.contains("any non-empty API key is accepted") })
        #expect(lines.contains { $0.contains("sandbox listening") })
    }
}
