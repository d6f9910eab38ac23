import Foundation

/// An integration's API key: where it comes from and what it was created with in Agent Studio.
///
/// ```yaml
/// key:
///   env: POLYAI_KEY_PAYMENTS        # or file: /run/secrets/polyai-payments
///   agents: [PROJECT-58RP822I]      # or: all
///   permissions: [external_events]
///   expires: 2027-03-01
/// ```
public struct KeyConfig: Sendable, Hashable {
    /// The permissions a key can be created with.
    public static let knownPermissions = ["external_events", "conversations_data", "handoff"]

    /// Where the key is read from.
    public var source: KeySource
    /// The agents the key was created for; `all` when the block leaves it out.
    public var agents: KeyAgents
    /// The permissions the key was created with, in file order without repeats; `[external_events]` when left out.
    public var permissions: [String]
    /// When the key stops working. A date `2027-03-01` means the key works through that whole day in UTC, so this is
    /// the first instant after it (`2027-03-02T00:00:00Z`); a date and time is taken as written.
    public var expires: Date?
    /// Where the `key` block is.
    public var position: ConfigPosition?
    /// The key path of the block, such as `integrations.payments.key`.
    public var path: String

    /// Creates key settings.
    public init(
        source: KeySource,
        agents: KeyAgents = .all,
        permissions: [String] = ["external_events"],
        expires: Date? = nil,
        position: ConfigPosition? = nil,
        path: String = ""
    ) {
        self.source = source
        self.agents = agents
        self.permissions = permissions
        self.expires = expires
        self.position = position
        self.path = path
    }
}

extension KeyConfig {
    /// Reads an integration's `key` block.
    static func read(_ reader: ConfigReader, _ context: ConfigContext) -> KeyConfig? {
        let diagnostics = context.diagnostics
        let mark = context.errorMark

        let inline = reader.child("value")
        if inline != nil {
            diagnostics.error(
                "keys are never written inline: use env or file",
                path: reader.path(of: "value"),
                position: reader.keyPosition("value")
            )
        }
        let envNode = reader.value("env")
        let fileNode = reader.value("file")
        var source: KeySource?
        if let envNode, let name = envNode.string(diagnostics) {
            if ConfigInterpolation.isVariableName(name) {
                source = .env(name)
            } else {
                diagnostics.error("expected an environment variable name (letters, digits, '_')", at: envNode)
            }
        }
        if let fileNode, let path = fileNode.string(diagnostics) {
            if path.isEmpty {
                diagnostics.error("must not be empty", at: fileNode)
            } else {
                source = .file(context.absolute(path))
            }
        }
        if envNode != nil, let fileNode {
            diagnostics.error("set either env or file, not both", at: fileNode)
        } else if envNode == nil, fileNode == nil, inline == nil {
            diagnostics.error(
                "set env (an environment variable name) or file (a path) to say where the key is",
                path: reader.path,
                position: reader.position
            )
        }

        let agents = reader.value("agents").flatMap { readAgents($0, diagnostics) } ?? .all
        let permissions = reader.value("permissions").flatMap { readPermissions($0, diagnostics) } ?? ["external_events"]
        var expires: Date?
        if let node = reader.value("expires"), let text = node.string(diagnostics) {
            expires = ConfigValueParser.expiryDate(text)
            if expires == nil {
                diagnostics.error("expected a date such as 2027-03-01 (or 2027-03-01T12:00:00Z)", at: node)
            }
        }
        reader.finish()

        guard !context.hasErrors(since: mark), let source else { return nil }
        return KeyConfig(
            source: source,
            agents: agents,
            permissions: permissions,
            expires: expires,
            position: reader.position,
            path: reader.path
        )
    }

    private static func readAgents(_ node: ConfigNode, _ diagnostics: ConfigDiagnostics) -> KeyAgents? {
        guard let names = node.strings(diagnostics) else { return nil }
        if names == ["all"] {
            return .all
        }
        let items = node.kind == .sequence ? node.elements : [node]
        var valid = true
        if names.isEmpty {
            diagnostics.error("name at least one agent (project id), or write all", at: node)
            valid = false
        }
        for (item, name) in zip(items, names) {
            if name == "all" {
                diagnostics.error("'all' cannot be combined with agent ids", at: item)
                valid = false
            } else if name.isEmpty {
                diagnostics.error("must not be empty", at: item)
                valid = false
            }
        }
        return valid ? .some(names) : nil
    }

    private static func readPermissions(_ node: ConfigNode, _ diagnostics: ConfigDiagnostics) -> [String]? {
        guard node.strings(diagnostics) != nil else { return nil }
        let items = node.kind == .sequence ? node.elements : [node]
        var permissions: [String] = []
        var valid = true
        for item in items {
            guard let permission = item.oneOf(knownPermissions, diagnostics) else {
                valid = false
                continue
            }
            if !permissions.contains(permission) {
                permissions.append(permission)
            }
        }
        return valid ? permissions : nil
    }
}
