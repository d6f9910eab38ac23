import Synchronization

/// Problems the soak noticed along the way, kept for its report.
final class SoakNotes: Sendable {
    private let problems = Mutex<[String]>([])

    /// Records a problem.
    func problem(_ text: String) {
        problems.withLock { $0.append(text) }
    }

    /// Every problem, in the order noticed.
    var all: [String] { problems.withLock { $0 } }
}
