/// Which agents a key was created for in Agent Studio.
public enum KeyAgents: Sendable, Hashable {
    /// "All agents".
    case all
    /// Only these agents (project ids).
    case some([String])
}
