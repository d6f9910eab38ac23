import Foundation

/// Collects issues while a configuration is read; a reference type so nested readers share it.
///
/// Readers never stop at the first problem: each one records what it found here and carries on, so an operator
/// sees every mistake in the file in one pass.
public final class ConfigDiagnostics: @unchecked Sendable {
    // @unchecked: the only mutable state is `stored`, and every access to it holds `lock`.
    private let lock = NSLock()
    private var stored: [ConfigIssue]

    /// Creates an empty collection.
    public init() {
        stored = []
    }

    /// Creates a collection that starts with issues found earlier, such as those of a `ConfigLoadResult`.
    public init(issues: [ConfigIssue]) {
        stored = issues
    }

    /// Records an issue.
    public func add(_ issue: ConfigIssue) {
        lock.lock()
        defer { lock.unlock() }
        stored.append(issue)
    }

    /// Records an error about a node, at its path and position.
    public func error(_ message: String, at node: ConfigNode) {
        add(ConfigIssue(severity: .error, position: node.position, path: node.path, message: message))
    }

    /// Records a warning about a node, at its path and position.
    public func warning(_ message: String, at node: ConfigNode) {
        add(ConfigIssue(severity: .warning, position: node.position, path: node.path, message: message))
    }

    /// Records an error at an explicit path and position.
    public func error(_ message: String, path: String, position: ConfigPosition?) {
        add(ConfigIssue(severity: .error, position: position, path: path, message: message))
    }

    /// Records a warning at an explicit path and position.
    public func warning(_ message: String, path: String, position: ConfigPosition?) {
        add(ConfigIssue(severity: .warning, position: position, path: path, message: message))
    }

    /// Every issue recorded so far, in the order they were found.
    public var issues: [ConfigIssue] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }

    /// The number of errors recorded so far (warnings not counted).
    public var errorCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return stored.reduce(0) { $0 + ($1.severity == .error ? 1 : 0) }
    }

    /// Whether any error was recorded.
    public var hasErrors: Bool {
        errorCount > 0
    }
}
