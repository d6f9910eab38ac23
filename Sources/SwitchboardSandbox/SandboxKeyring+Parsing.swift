import Foundation
import Yams

extension SandboxKeyring {
    /// Parses and checks keys-file text; every error names the file, line and column, never a key value.
    static func parse(yaml: String, file: String, environment: [String: String]) throws(SandboxError) -> SandboxKeyring {
        var reader = KeysFileReader(file: file, environment: environment)
        return SandboxKeyring(keys: try reader.read(yaml))
    }
}

/// Walks the YAML tree of a keys file and turns it into checked keys.
private struct KeysFileReader {
    let file: String
    let environment: [String: String]

    private static let topLevelFields: Set<String> = ["keys"]
    private static let keyFields: Set<String> = ["name", "key", "env", "account_id", "agents", "permissions", "expires"]

    mutating func read(_ yaml: String) throws(SandboxError) -> [SandboxKey] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw syntaxError(error)
        }
        guard let root, case .mapping(let mapping) = root else {
            throw failure(at: root, "the keys file must be a mapping with a `keys:` list")
        }
        try checkFields(of: mapping, allowed: Self.topLevelFields, path: "")
        guard let keysNode = mapping["keys"] else {
            throw failure(at: root, "missing `keys:` (a list of keys)")
        }
        guard case .sequence(let entries) = keysNode else {
            throw failure(at: keysNode, "`keys` must be a list of keys")
        }
        guard !entries.isEmpty else {
            throw failure(at: keysNode, "`keys` is empty: every request would be refused")
        }
        var keys: [SandboxKey] = []
        var nameBySecret: [String: String] = [:]
        var names: Set<String> = []
        for (index, entry) in entries.enumerated() {
            let key = try readKey(entry, index: index)
            if let other = nameBySecret[key.secret] {
                throw failure(at: entry, "keys[\(index)]: key '\(key.name)' has the same value as key '\(other)'")
            }
            guard names.insert(key.name).inserted else {
                throw failure(at: entry, "keys[\(index)]: the name '\(key.name)' is used twice")
            }
            nameBySecret[key.secret] = key.name
            keys.append(key)
        }
        return keys
    }

    private func readKey(_ node: Node, index: Int) throws(SandboxError) -> SandboxKey {
        let path = "keys[\(index)]"
        guard case .mapping(let fields) = node else {
            throw failure(at: node, "\(path) must be a mapping (name, key or env, agents, permissions, ...)")
        }
        try checkFields(of: fields, allowed: Self.keyFields, path: path)
        let name = try optionalString(fields["name"], path: "\(path).name") ?? "key \(index + 1)"
        let secret = try readSecret(fields, path: path, name: name, node: node)
        let accountID = try optionalString(fields["account_id"], path: "\(path).account_id")
        let agents = try readAgents(fields["agents"], path: "\(path).agents", owner: node)
        let permissions = try readPermissions(fields["permissions"], path: "\(path).permissions", owner: node)
        let expires = try readExpiry(fields["expires"], path: "\(path).expires")
        return SandboxKey(
            name: name,
            secret: secret,
            accountID: accountID,
            agents: agents,
            permissions: permissions,
            expires: expires
        )
    }

    private func readSecret(_ fields: Node.Mapping, path: String, name: String, node: Node) throws(SandboxError) -> String {
        let inline = fields["key"]
        let variable = try optionalString(fields["env"], path: "\(path).env")
        switch (inline, variable) {
        case (nil, nil):
            throw failure(at: node, "\(path): give the key's value as `key:` or the name of a variable as `env:`")
        case (.some, .some):
            throw failure(at: node, "\(path): give either `key:` or `env:`, not both")
        case (.some(let inline), nil):
            guard case .scalar(let scalar) = inline, !scalar.string.isEmpty else {
                throw failure(at: inline, "\(path).key must be a non-empty string")
            }
            return scalar.string
        case (nil, .some(let variable)):
            guard let value = environment[variable] else {
                throw failure(at: fields["env"], "\(path).env: environment variable \(variable) (key '\(name)') is not set")
            }
            guard !value.isEmpty else {
                throw failure(at: fields["env"], "\(path).env: environment variable \(variable) (key '\(name)') is empty")
            }
            return value
        }
    }

    private func readAgents(_ node: Node?, path: String, owner: Node) throws(SandboxError) -> SandboxKey.Agents {
        guard let node else {
            throw failure(at: owner, "\(path) is required: a list of project ids, or `all`")
        }
        if case .scalar(let scalar) = node, scalar.string == "all" {
            return .all
        }
        let projects = try stringList(node, path: path, what: "a list of project ids, or `all`")
        return .only(Set(projects))
    }

    private func readPermissions(_ node: Node?, path: String, owner: Node) throws(SandboxError) -> Set<String> {
        guard let node else {
            throw failure(at: owner, "\(path) is required, e.g. [external_events]")
        }
        let permissions = try stringList(node, path: path, what: "a list of permissions")
        for permission in permissions where !SandboxKey.knownPermissions.contains(permission) {
            let known = SandboxKey.knownPermissions.sorted().joined(separator: ", ")
            throw failure(at: node, "\(path): unknown permission '\(permission)' (known: \(known))")
        }
        return Set(permissions)
    }

    private func readExpiry(_ node: Node?, path: String) throws(SandboxError) -> Date? {
        guard let node else {
            return nil
        }
        guard case .scalar(let scalar) = node, let date = KeyExpiry.parse(scalar.string) else {
            throw failure(at: node, "\(path) must be a date like 2030-01-01 or a time like 2030-01-01T12:00:00Z")
        }
        return date
    }

    private func stringList(_ node: Node, path: String, what: String) throws(SandboxError) -> [String] {
        guard case .sequence(let items) = node else {
            throw failure(at: node, "\(path) must be \(what)")
        }
        var strings: [String] = []
        for item in items {
            guard case .scalar(let scalar) = item, !scalar.string.isEmpty else {
                throw failure(at: item, "\(path) must be \(what)")
            }
            strings.append(scalar.string)
        }
        return strings
    }

    private func optionalString(_ node: Node?, path: String) throws(SandboxError) -> String? {
        guard let node else {
            return nil
        }
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else {
            throw failure(at: node, "\(path) must be a non-empty string")
        }
        return scalar.string
    }

    private func checkFields(of mapping: Node.Mapping, allowed: Set<String>, path: String) throws(SandboxError) {
        for (keyNode, _) in mapping {
            let name = keyNode.string ?? ""
            guard allowed.contains(name) else {
                let prefix = path.isEmpty ? "" : "\(path): "
                let known = allowed.sorted().joined(separator: ", ")
                throw failure(at: keyNode, "\(prefix)unknown field '\(name)' (known: \(known))")
            }
        }
    }

    private func failure(at node: Node?, _ reason: String) -> SandboxError {
        let mark = node?.mark
        return SandboxError(kind: .keysFile, file: file, line: mark?.line, column: mark?.column, reason: reason)
    }

    /// A YAML syntax error, without the snippet of file text Yams adds (it could show a key).
    private func syntaxError(_ error: any Error) -> SandboxError {
        guard let yamlError = error as? YamlError else {
            return SandboxError(kind: .keysFile, file: file, reason: "not valid YAML")
        }
        switch yamlError {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return SandboxError(
                kind: .keysFile, file: file, line: mark.line, column: mark.column, reason: "not valid YAML: \(problem)")
        case .reader(let problem, _, _, _):
            return SandboxError(kind: .keysFile, file: file, reason: "not valid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return SandboxError(
                kind: .keysFile, file: file, line: context.mark.line, column: context.mark.column,
                reason: "a field is given twice: \(duplicates.joined(separator: ", "))")
        default:
            return SandboxError(kind: .keysFile, file: file, reason: "not valid YAML")
        }
    }
}

/// Reads key expiry values written as a day (`2030-01-01`, meaning 00:00 UTC) or an ISO 8601 time.
enum KeyExpiry {
    /// The instant the key stops working, or nil when the text is not a date.
    static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let day = parseDay(trimmed) {
            return day
        }
        return try? Date(trimmed, strategy: .iso8601)
    }

    private static func parseDay(_ text: String) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), (1...31).contains(day)
        else {
            return nil
        }
        var calendar = Calendar(identifier: .gregorian)
        guard let utc = TimeZone(identifier: "UTC") else {
            return nil
        }
        calendar.timeZone = utc
        let components = DateComponents(year: year, month: month, day: day)
        guard let date = calendar.date(from: components),
            calendar.component(.day, from: date) == day
        else {
            return nil
        }
        return date
    }
}
