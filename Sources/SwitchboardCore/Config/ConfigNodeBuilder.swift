import Foundation
import Yams

/// Turns a YAML document into a `ConfigNode` tree, interpolating every value scalar on the way.
///
/// YAML aliases are expanded, so a small hostile file could describe a huge tree; the builder stops after
/// `maximumNodes` nodes or `maximumDepth` levels with one clear error instead of exhausting memory or stack.
struct ConfigNodeBuilder {
    static let maximumNodes = 100_000
    static let maximumDepth = 64

    let file: String
    /// Nil for a file read literally (a `switchboard test` file): `${...}` stays as written.
    let interpolation: ConfigInterpolation?
    let diagnostics: ConfigDiagnostics
    private var nodesLeft = ConfigNodeBuilder.maximumNodes
    private var reportedLimit = false

    init(file: String, interpolation: ConfigInterpolation?, diagnostics: ConfigDiagnostics) {
        self.file = file
        self.interpolation = interpolation
        self.diagnostics = diagnostics
    }

    /// Parses `yaml`; on a syntax error records one issue at the position libyaml reports and returns nil.
    mutating func parse(yaml: String) -> ConfigNode? {
        if let problem = ConfigNestingGuard.problem(in: yaml) {
            let position = ConfigPosition(file: file, line: problem.line, column: problem.column)
            diagnostics.error(problem.message, path: "", position: position)
            return nil
        }
        let root: Yams.Node?
        do {
            let parser = try Parser(yaml: yaml, resolver: .basic, constructor: .default, encoding: .utf8)
            root = try parser.singleRoot()
        } catch let error as YamlError {
            diagnostics.add(issue(for: error))
            return nil
        } catch {
            diagnostics.error("the file is not valid YAML", path: "", position: nil)
            return nil
        }
        guard let root else {
            // An empty document: an empty mapping would do, but "nothing" lets required keys be reported.
            return ConfigNode(path: "", position: ConfigPosition(file: file, line: 1, column: 1), kind: .null)
        }
        return build(root, path: "", depth: 0)
    }

    private func position(_ mark: Mark?) -> ConfigPosition? {
        mark.map { ConfigPosition(file: file, line: $0.line, column: $0.column) }
    }

    private mutating func build(_ node: Yams.Node, path: String, depth: Int) -> ConfigNode {
        let here = position(node.mark)
        guard nodesLeft > 0, depth <= Self.maximumDepth else {
            if !reportedLimit {
                reportedLimit = true
                let reason = depth > Self.maximumDepth
                    ? "values are nested more than \(Self.maximumDepth) levels deep"
                    : "the file describes more than \(Self.maximumNodes) values (aliases included)"
                diagnostics.error(reason, path: path, position: here)
            }
            var stub = ConfigNode(path: path, position: here, kind: .null)
            stub.interpolationFailed = true
            return stub
        }
        nodesLeft -= 1
        switch node {
        case .scalar(let scalar):
            return buildScalar(scalar, path: path, position: here)
        case .mapping(let mapping):
            var entries: [ConfigNode.Entry] = []
            for (keyNode, valueNode) in mapping {
                guard case .scalar(let key) = keyNode else {
                    diagnostics.error("keys must be plain text, not a list or mapping", path: path, position: position(keyNode.mark))
                    continue
                }
                let childPath = ConfigNode.path(path, key: key.string)
                let value = build(valueNode, path: childPath, depth: depth + 1)
                entries.append(ConfigNode.Entry(key: key.string, keyPosition: position(key.mark), value: value))
            }
            return ConfigNode(path: path, position: here, kind: .mapping, entries: entries)
        case .sequence(let sequence):
            var elements: [ConfigNode] = []
            for (index, element) in sequence.enumerated() {
                elements.append(build(element, path: ConfigNode.path(path, index: index), depth: depth + 1))
            }
            return ConfigNode(path: path, position: here, kind: .sequence, elements: elements)
        case .alias:
            // The parser resolves aliases itself; an unresolved one means something it did not understand.
            diagnostics.error("this alias cannot be used here", path: path, position: here)
            var stub = ConfigNode(path: path, position: here, kind: .null)
            stub.interpolationFailed = true
            return stub
        }
    }

    private func buildScalar(_ scalar: Yams.Node.Scalar, path: String, position: ConfigPosition?) -> ConfigNode {
        let quoted = scalar.style != .plain && scalar.style != .any
        if !quoted, ConfigValueParser.isNull(scalar.string) {
            return ConfigNode(path: path, position: position, kind: .null)
        }
        let expansion = interpolation?.expand(scalar.string)
            ?? ConfigInterpolation.Expansion(text: scalar.string, interpolated: false, failures: [])
        var node = ConfigNode(
            path: path,
            position: position,
            kind: .scalar,
            scalar: expansion.text,
            isQuoted: quoted,
            isInterpolated: expansion.interpolated
        )
        if !expansion.failures.isEmpty {
            node.interpolationFailed = true
            // A value with a failed reference is incomplete; treat it as secret-bearing so it is never shown.
            node.isInterpolated = true
            for failure in expansion.failures {
                diagnostics.error(failure, path: path, position: position)
            }
        }
        return node
    }

    /// One issue for a YAML error, with the line and column libyaml reports.
    private func issue(for error: YamlError) -> ConfigIssue {
        func make(_ message: String, _ mark: Mark?) -> ConfigIssue {
            ConfigIssue(severity: .error, position: position(mark), path: "", message: message)
        }
        func make(_ message: String, at position: ConfigPosition?) -> ConfigIssue {
            ConfigIssue(severity: .error, position: position, path: "", message: message)
        }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            var message = "invalid YAML: \(problem)"
            if let context {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            return make(message, mark)
        case let .reader(problem, offset, _, yaml):
            let place = offset.flatMap { Self.position(atCharacterOffset: $0, in: yaml, file: file) }
            return make("the file cannot be read as text: \(problem)", at: place)
        case let .duplicatedKeysInMapping(duplicates, context):
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return make("duplicate key \(names) in one mapping", context.mark)
        case .dataCouldNotBeDecoded:
            return make("the file is not UTF-8 text", nil)
        default:
            return make("the file is not valid YAML", nil)
        }
    }

    /// The 1-based line and column of a character offset.
    private static func position(atCharacterOffset offset: Int, in text: String, file: String) -> ConfigPosition? {
        var line = 1
        var column = 1
        var seen = 0
        for character in text {
            if seen == offset {
                return ConfigPosition(file: file, line: line, column: column)
            }
            if character == "\n" || character == "\r\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
            seen += 1
        }
        return nil
    }
}
