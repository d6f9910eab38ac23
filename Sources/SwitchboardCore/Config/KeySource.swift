/// Where an integration's API key is read from; keys are never written inline in YAML.
public enum KeySource: Sendable, Hashable {
    /// An environment variable's name.
    case env(String)
    /// An absolute file path (a container secret); re-read on change.
    case file(String)
}
