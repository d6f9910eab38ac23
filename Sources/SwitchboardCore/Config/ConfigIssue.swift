/// One problem found in a configuration.
///
/// Printed as `examples/q.yaml:12:7: error: integrations.payments.retry.max_attempts: expected a positive integer`.
/// The message never holds a secret or a value that came from interpolation.
public struct ConfigIssue: Sendable, Hashable, CustomStringConvertible {
    /// How serious the problem is: an error stops the configuration from being used, a warning does not.
    public enum Severity: String, Sendable, Hashable {
        /// The configuration cannot be used.
        case error
        /// The configuration can be used, but something looks wrong.
        case warning
    }

    /// How serious the problem is.
    public var severity: Severity
    /// Where the problem is, when it is at one place in the file.
    public var position: ConfigPosition?
    /// The key path, such as `integrations.payments.retry.max_attempts`; empty for the document root.
    public var path: String
    /// What is wrong, in words an operator can act on.
    public var message: String

    /// Creates an issue.
    public init(severity: Severity, position: ConfigPosition?, path: String, message: String) {
        self.severity = severity
        self.position = position
        self.path = path
        self.message = message
    }

    /// The issue in the `file:line:column: severity: path: message` form.
    public var description: String {
        var text = ""
        if let position {
            text += "\(position): "
        }
        text += "\(severity.rawValue): "
        if !path.isEmpty {
            text += "\(path): "
        }
        text += message
        return text
    }
}
