import Foundation
import Spawn
import Synchronization

/// A program the soak started: its output goes to a log file, and the lines the soak waits for are kept in memory.
final class ChildProcess: Sendable {
    /// What the soak calls it in its own output (`instance a`, `sandbox`).
    let name: String
    /// The file standard output and standard error are written to.
    let logFile: String
    private let process: SpawnedProcess
    private let lines: WatchedLines

    /// Starts `executable arguments…` in `directory`, appending its output to `logFile`.
    ///
    /// Only lines containing one of `watching` are kept for ``waitForLine(containing:after:timeout:)``.
    init(name: String, executable: String, arguments: [String], directory: String, logFile: String, watching: [String]) throws {
        self.name = name
        self.logFile = logFile
        if !FileManager.default.fileExists(atPath: logFile) {
            FileManager.default.createFile(atPath: logFile, contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
        log.seekToEndOfFile()
        let lines = WatchedLines(watching: watching, log: log)
        self.lines = lines
        // Output is handed over as it arrives, on the process's reading thread; an empty chunk is the end.
        process = try SpawnedProcess(executable: executable, arguments: arguments, directory: directory, output: .combined) { _, bytes in
            if bytes.isEmpty {
                lines.finish()
            } else {
                lines.append(bytes)
            }
        }
    }

    /// The process id.
    var pid: Int32 { process.processIdentifier }

    /// True until the process has exited.
    var isRunning: Bool { process.isRunning }

    /// The exit status once it has exited (a signal's number when it was killed by one).
    var exitStatus: Int32? { process.termination?.status }

    /// How many watched lines arrived so far; pass it as `after` to wait only for later ones.
    var watchedCount: Int { lines.count }

    /// Sends `signal` to the process.
    func signal(_ signal: Int32) {
        process.signal(signal)
    }

    /// Waits until a watched line containing `text` arrived after the first `after` watched lines; nil when the
    /// process exited or `timeout` passed first.
    func waitForLine(containing text: String, after: Int = 0, timeout: Duration = .seconds(60)) async -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = lines.first(containing: text, after: after) { return line }
            if !process.isRunning {
                try? await Task.sleep(for: .milliseconds(100))  // the last output may still be on its way
                return lines.first(containing: text, after: after)
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// Waits (bounded) for the process to exit; returns its status, or nil when it is still running.
    func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return exitStatus
    }

    /// The last `count` bytes of the log file, for a report.
    func logTail(bytes count: Int = 4000) -> String {
        guard let data = FileManager.default.contents(atPath: logFile) else { return "" }
        return String(decoding: data.suffix(count), as: UTF8.self)
    }
}

/// The output of one child as it arrives: written to the log, split into lines, watched lines kept.
private final class WatchedLines: Sendable {
    private struct State {
        var partial: [UInt8] = []
        var kept: [String] = []
    }

    private let state = Mutex(State())
    private let watching: [String]
    private let log: Mutex<FileHandle?>

    init(watching: [String], log: FileHandle) {
        self.watching = watching
        self.log = Mutex(log)
    }

    func append(_ bytes: [UInt8]) {
        log.withLock { handle in handle?.write(Data(bytes)) }
        state.withLock { state in
            state.partial.append(contentsOf: bytes)
            while let newline = state.partial.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: state.partial[..<newline], as: UTF8.self)
                state.partial.removeSubrange(...newline)
                if watching.contains(where: { line.contains($0) }) { state.kept.append(line) }
            }
        }
    }

    func finish() {
        log.withLock { handle in
            try? handle?.close()
            handle = nil
        }
    }

    var count: Int { state.withLock { $0.kept.count } }

    func first(containing text: String, after: Int) -> String? {
        state.withLock { state in state.kept.dropFirst(after).first { $0.contains(text) } }
    }
}
