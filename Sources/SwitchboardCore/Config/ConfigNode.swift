import Foundation

/// A checked view of one YAML node: its path, position and (after interpolation) value.
///
/// The loader turns the whole YAML document into a tree of these, with `${VAR}` and `${file:PATH}` already
/// replaced. Plugins get their `options` block as a `ConfigNode` and read it with a `ConfigReader`:
///
/// ```swift
/// let reader = ConfigReader(node: integration.options, diagnostics: diagnostics, path: integration.path + ".options")
/// let secret = reader.string("signing_secret", required: true)
/// reader.finish()
/// ```
public struct ConfigNode: Sendable, Hashable {
    /// What a node holds.
    public enum Kind: String, Sendable, Hashable {
        /// A single value: text, a number, a boolean, a date.
        case scalar
        /// Keys and values.
        case mapping
        /// A list.
        case sequence
        /// Nothing: `key:`, `~` or `null`.
        case null
    }

    /// One key of a mapping with its value.
    public struct Entry: Sendable, Hashable {
        /// The key as written.
        public var key: String
        /// Where the key is written.
        public var keyPosition: ConfigPosition?
        /// The value under the key.
        public var value: ConfigNode

        /// Creates an entry.
        public init(key: String, keyPosition: ConfigPosition?, value: ConfigNode) {
            self.key = key
            self.keyPosition = keyPosition
            self.value = value
        }
    }

    /// The key path of this node, such as `routes[1].from.webhook`; empty for the document root.
    public var path: String
    /// Where the node starts in the file.
    public var position: ConfigPosition?
    /// What the node holds.
    public var kind: Kind
    /// The text of a scalar after interpolation; nil for other kinds.
    public var scalar: String?
    /// Whether the scalar was quoted (`"x"`, `'x'`) or a block (`|`, `>`), so never a number, boolean or null.
    public var isQuoted: Bool
    /// Whether any part of the scalar came from `${...}`: such a value may be a secret and is never echoed.
    public var isInterpolated: Bool
    /// The keys and values of a mapping, in file order; empty for other kinds.
    public var entries: [Entry]
    /// The elements of a sequence, with paths such as `routes[0]`; empty for other kinds.
    public var elements: [ConfigNode]
    /// Set when interpolation of this scalar failed; the failure is already reported, so readers stay quiet.
    var interpolationFailed: Bool

    /// Creates a node; the loader builds these from YAML, tests and plugins may build small ones by hand.
    public init(
        path: String,
        position: ConfigPosition?,
        kind: Kind,
        scalar: String? = nil,
        isQuoted: Bool = false,
        isInterpolated: Bool = false,
        entries: [Entry] = [],
        elements: [ConfigNode] = []
    ) {
        self.path = path
        self.position = position
        self.kind = kind
        self.scalar = scalar
        self.isQuoted = isQuoted
        self.isInterpolated = isInterpolated
        self.entries = entries
        self.elements = elements
        self.interpolationFailed = false
    }

    /// Whether interpolation failed in this node or any node below it (the failure is already reported).
    public var containsInterpolationFailure: Bool {
        interpolationFailed || entries.contains { $0.value.containsInterpolationFailure } || elements.contains { $0.containsInterpolationFailure }
    }

    /// Whether the node holds nothing (`key:`, `~`, `null`).
    public var isNull: Bool {
        kind == .null
    }

    /// The entry for a key of a mapping, if present.
    public func entry(_ key: String) -> Entry? {
        entries.first { $0.key == key }
    }

    /// A strict reader over this node, which must be a mapping (or null, read as an empty mapping).
    public func reader(_ diagnostics: ConfigDiagnostics) -> ConfigReader {
        ConfigReader(node: self, diagnostics: diagnostics)
    }

    /// The same node with its path, and every path below it, re-rooted at `path`.
    ///
    /// For a block parsed on its own (a plugin's test) that should report issues as if it sat at `path`.
    public func rooted(at path: String) -> ConfigNode {
        var copy = self
        copy.path = path
        copy.entries = entries.map { entry in
            var moved = entry
            moved.value = entry.value.rooted(at: Self.path(path, key: entry.key))
            return moved
        }
        copy.elements = elements.enumerated().map { index, element in
            element.rooted(at: Self.path(path, index: index))
        }
        return copy
    }

    /// The scalar text, but only when it is safe to show in a message: never when it came from interpolation.
    public var displayValue: String? {
        isInterpolated ? nil : scalar
    }

    /// A short name for the kind, for messages such as "expected a string, found a list".
    var kindDescription: String {
        switch kind {
        case .scalar: return "a single value"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .null: return "nothing"
        }
    }

    /// The path of a key below a node at `parent`; keys that are not plain words are quoted.
    static func path(_ parent: String, key: String) -> String {
        let plain = !key.isEmpty && key.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "-": return true
            default: return false
            }
        }
        if !plain {
            let escaped = key.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return parent + "[\"" + escaped + "\"]"
        }
        return parent.isEmpty ? key : parent + "." + key
    }

    /// The path of the element at `index` (0-based) of a sequence at `parent`.
    static func path(_ parent: String, index: Int) -> String {
        parent + "[\(index)]"
    }
}

extension ConfigNode: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The node's path and kind, never its value (which may be a secret).
    public var description: String {
        let shown = path.isEmpty ? "<root>" : path
        return "ConfigNode(\(shown), \(kind.rawValue))"
    }

    /// Same as `description`: a node's value may be a secret.
    public var debugDescription: String {
        description
    }

    /// Mirrors the path and kind only, so `dump` cannot print a secret value.
    public var customMirror: Mirror {
        Mirror(self, children: ["path": path, "kind": kind], displayStyle: .struct)
    }
}
