import Foundation
import Synchronization

/// The highest resident memory any Switchboard instance reached, from `/proc/PID/status` (`VmHWM`, the process's own
/// high-water mark), sampled every second and just before an instance is stopped.
final class PeakMemory: Sendable {
    private struct State {
        var watched: Set<Int32> = []
        var peakKiB = 0
    }

    private let state = Mutex(State())

    /// Starts sampling `pid`.
    func watch(_ pid: Int32) {
        state.withLock { _ = $0.watched.insert(pid) }
    }

    /// Stops sampling `pid` (it exited).
    func unwatch(_ pid: Int32) {
        state.withLock { _ = $0.watched.remove(pid) }
    }

    /// Reads every watched process's high-water mark now.
    func sample() {
        let pids = state.withLock { $0.watched }
        let peak = pids.compactMap(Self.highWaterKiB).max() ?? 0
        state.withLock { $0.peakKiB = max($0.peakKiB, peak) }
    }

    /// The peak so far, in KiB (0 when `/proc` is not available).
    var peakKiB: Int { state.withLock { $0.peakKiB } }

    /// Samples every second until the task is cancelled.
    func run() async {
        while !Task.isCancelled {
            sample()
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// `VmHWM` of a process in KiB, nil when it cannot be read.
    static func highWaterKiB(_ pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.dropFirst("VmHWM:".count).split(whereSeparator: \.isWhitespace).first ?? "")
        }
        return nil
    }
}
