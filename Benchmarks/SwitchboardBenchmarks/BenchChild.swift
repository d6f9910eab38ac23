import Foundation
import Spawn

/// This benchmark binary again, in one of its serving modes (`--mock-cluster`, `--slow-sink`): a peer in its own
/// process, so this process's CPU is Switchboard's alone.
enum BenchChild {
    /// Starts the child with `arguments` and waits (at most 30 s) for the line starting with `prefix` it prints once
    /// it serves; returns the child and the rest of that line.
    static func start(_ arguments: [String], announcing prefix: String) async throws -> (SpawnedProcess, String) {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        let child = try SpawnedProcess(executable: binary, arguments: arguments, output: .combined)
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let text = String(decoding: child.standardOutput, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) {
                return (child, String(line.dropFirst(prefix.count)))
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        _ = child.signal(SIGKILL)
        throw BenchError("\(arguments.joined(separator: " ")) did not start: \(String(decoding: child.standardOutput, as: UTF8.self))")
    }
}
