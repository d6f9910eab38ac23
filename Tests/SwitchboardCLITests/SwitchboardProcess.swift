import Foundation
import Spawn

/// The built `switchboard` binary run as a child process, its standard output and standard error captured together.
final class SwitchboardProcess: Sendable {
    let process: SpawnedProcess

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
        // The output is collected as it arrives, on the process's reading thread.
        process = try SpawnedProcess(
            executable: Self.binary, arguments: arguments, environment: .inherited(overriding: environment), output: .combined
        )
    }

    /// Everything the process wrote so far.
    var log: String { String(decoding: process.standardOutput, as: UTF8.self) }

    /// Waits (bounded) until the output contains `text`; returns the matching line.
    func waitForLine(containing text: String, seconds: Double = 30) async -> String? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if let line = log.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            if process.isFinished, !log.contains(text) { return nil }
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
        process.signal(signal)
    }

    /// Waits (bounded) for exit and the end of its output; returns the exit status or nil if still running.
    func waitForExit(seconds: Double = 30) async -> Int32? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while !process.isFinished, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return process.termination?.status
    }

    /// Runs to completion and returns (status, output).
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> (Int32, String) {
        let child = try SwitchboardProcess(arguments, environment: environment)
        let status = await child.waitForExit(seconds: 60) ?? -1
        return (status, child.log)
    }

    deinit {
        process.signal(SIGKILL)  // a no-op once it has exited
    }
}
