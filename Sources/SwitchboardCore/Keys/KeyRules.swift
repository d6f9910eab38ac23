import Foundation

/// The least-privilege rules for integration keys (DESIGN §3): what `validate` and `run` refuse and warn about.
public enum KeyRules {
    /// How close an expiry must be to warn.
    public static let expiryWarning: TimeInterval = 14 * 86_400

    /// Every refusal and warning for the declared keys; `keys` holds the values read (by integration) for the
    /// shared-key rule. Messages name the integration, never the key.
    public static func check(_ config: SwitchboardConfig, keys: [String: APIKey], now: Date) -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        var owners: [APIKey: String] = [:]
        for integration in config.integrations {
            let key = integration.key
            let path = "integrations.\(integration.name).key"
            func add(_ severity: ConfigIssue.Severity, _ field: String, _ message: String) {
                issues.append(ConfigIssue(severity: severity, position: key.position, path: field.isEmpty ? path : "\(path).\(field)", message: message))
            }
            switch key.agents {
            case .all:
                add(.warning, "agents", "integration '\(integration.name)': key is scoped to all agents; a key for \(integration.projectID) only is safer")
            case .some(let agents):
                if !agents.contains(integration.projectID) {
                    add(.error, "agents", "integration '\(integration.name)': project \(integration.projectID) is outside the key's agents (\(agents.joined(separator: ", ")))")
                }
            }
            if !key.permissions.contains("external_events") {
                add(.error, "permissions", "integration '\(integration.name)': key lacks the external_events permission")
            }
            let extra = key.permissions.filter { $0 != "external_events" }
            if !extra.isEmpty {
                add(.warning, "permissions", "integration '\(integration.name)': key carries permissions it does not need (\(extra.joined(separator: ", ")))")
            }
            if let expires = key.expires {
                if expires <= now {
                    add(.error, "expires", "integration '\(integration.name)': key expired on \(Self.day(expires))")
                } else if expires.timeIntervalSince(now) < expiryWarning {
                    add(.warning, "expires", "integration '\(integration.name)': key expires on \(Self.day(expires)), within 14 days")
                }
            }
            if let value = keys[integration.name] {
                if let other = owners[value] {
                    add(.error, "", "integration '\(integration.name)' uses the same key as integration '\(other)'; each integration needs its own key")
                } else {
                    owners[value] = integration.name
                }
            }
        }
        return issues
    }

    private static func day(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date)
    }
}
