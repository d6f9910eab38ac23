import Foundation

/// One API key the sandbox accepts, as it was "created in Agent Studio".
///
/// The secret value is never part of a description, a log line or an error.
struct SandboxKey: Sendable, CustomStringConvertible {
    /// Which agents (projects) a key may post events for.
    enum Agents: Sendable, Equatable {
        /// Every agent of the account.
        case all
        /// Only these project ids.
        case only(Set<String>)

        /// True when the key covers this project.
        func contains(_ projectID: String) -> Bool {
            switch self {
            case .all: true
            case .only(let projects): projects.contains(projectID)
            }
        }
    }

    /// The permission a key needs to post external events.
    static let externalEventsPermission = "external_events"
    /// Every permission Agent Studio can give a key.
    static let knownPermissions: Set<String> = [externalEventsPermission, "conversations_data", "handoff"]

    /// The operator's name for the key (safe to show).
    let name: String
    /// The secret value sent in `X-Api-Key`.
    let secret: String
    /// The workspace the key belongs to, when the keys file names one.
    let accountID: String?
    /// The agents the key was scoped to.
    let agents: Agents
    /// The permissions the key was created with.
    let permissions: Set<String>
    /// The first instant at which the key no longer works, if it expires.
    let expires: Date?

    /// The key that accepts everything, used when no keys file is given.
    static let openAccess = SandboxKey(
        name: "any",
        secret: "",
        accountID: nil,
        agents: .all,
        permissions: knownPermissions,
        expires: nil
    )

    /// Names the key without its value.
    var description: String { "API key '\(name)'" }
}
