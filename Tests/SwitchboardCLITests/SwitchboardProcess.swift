import Foundation
import Synchronization

/// The built `switchboard` binary run as a child process, its standard error captured.
final class SwitchboardProcess: Sendable {
    let process: Process
    private let output = OutputBuffer()

    /// The binary next to the test bundle.
    static var binary: String {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleDirectory.appendingPathComponent("switchboard").path, ".build/debug/switchboard"] where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return ".build/debug/switchboard"
    }

    /// Starts `switchboard <arguments>`.
    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        self.process = process
        let output = self.output
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if !data.isEmpty { output.append(String(decoding: data, as: UTF8.self)) }
        }
        try process.run()
    }

    /// Everything the process wrote so far.
    var log: String { output.text }

    /// Waits (bounded) until the output contains `text`; returns the matching line.
    func waitForLine(containing text: String, seconds: Double = 30) async -> String? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if let line = log.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            if !process.isRunning, !log.contains(text) { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// The value of a `key=value` field in a log line.
    static func field(_ key: String, in line: String) -> String? {
        for part in line.split(separator: " ") where part.hasPrefix(key + "=") {
            return String(part.dropFirst(key.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }

    /// Sends a signal.
    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits (bounded) for exit; returns the exit status or nil if still running.
    func waitForExit(seconds: Double = 30) async -> Int32? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Runs to completion and returns (status, output).
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> (Int32, String) {
        let child = try SwitchboardProcess(arguments, environment: environment)
        let status = await child.waitForExit(seconds: 60) ?? -1
        try? await Task.sleep(for: .milliseconds(50))
        return (status, child.log)
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// Text collected from a child's output, shared with the pipe's reading thread.
final class OutputBuffer: Sendable {
    private let storage = Mutex<String>("")

    func append(_ text: String) { storage.withLock { $0 += text } }

    var text: String { storage.withLock { $0 } }
}
