import Foundation
import Synchronization

/// The ids of every process the soak started, one per line in a file, so `scripts/soak.sh` can end exactly those
/// if the soak itself is killed.
final class PIDFile: Sendable {
    /// The file's path.
    let path: String
    private let pids = Mutex<[Int32]>([])

    init(path: String) {
        self.path = path
        FileManager.default.createFile(atPath: path, contents: nil)
    }

    /// Records a new child.
    func add(_ pid: Int32) {
        let all = pids.withLock { pids in
            pids.append(pid)
            return pids
        }
        try? all.map { "\($0)\n" }.joined().write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Every child ever started (some may have exited).
    var all: [Int32] { pids.withLock { $0 } }
}
