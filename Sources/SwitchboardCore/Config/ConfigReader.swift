/// Reads one YAML mapping strictly: every key read is marked, `finish()` reports the keys nobody read as unknown.
///
/// A key that is absent or holds nothing (`key:`) reads as nil; with `required: true` that is an error. A value of
/// the wrong type is an error at the value's position. Nothing stops at the first problem.
///
/// ```swift
/// let retry = ConfigReader(node: block, diagnostics: diagnostics, path: "integrations.payments.retry")
/// let attempts = retry.int("max_attempts", range: 1...Int.max) ?? 20
/// retry.finish()   // "unknown key 'max_attempt'" for a typo
/// ```
public final class ConfigReader {
    /// The mapping being read; nil when the reader was made for an absent block.
    public let node: ConfigNode?
    /// Where issues go.
    public let diagnostics: ConfigDiagnostics
    /// The key path of the mapping, the prefix of every issue this reader records.
    public let path: String
    /// Where the mapping is, used for "missing required key" issues.
    public let position: ConfigPosition?

    private var entries: [ConfigNode.Entry] = []
    private var readKeys: Set<String> = []
    private var nested: [ConfigReader] = []
    private var finished = false

    /// Creates a reader over `node`.
    ///
    /// A nil or null node reads as an empty mapping; any other non-mapping node is an "expected a mapping" error.
    /// `path` and `position` name the block when `node` is nil; otherwise they default to the node's own.
    /// A node whose path differs from `path` is re-rooted there, so nested issues carry the full path.
    public init(node: ConfigNode?, diagnostics: ConfigDiagnostics, path: String? = nil, position: ConfigPosition? = nil) {
        let node = (path != nil && path != node?.path) ? node.map { $0.rooted(at: path ?? "") } : node
        self.node = node
        self.diagnostics = diagnostics
        self.path = path ?? node?.path ?? ""
        self.position = node?.position ?? position
        guard let node, !node.interpolationFailed else { return }
        switch node.kind {
        case .mapping:
            entries = node.entries
        case .null:
            break
        case .scalar, .sequence:
            diagnostics.error("expected a mapping, found \(node.kindDescription)", at: node)
        }
    }

    /// The keys of the mapping in file order.
    public var keys: [String] {
        entries.map(\.key)
    }

    /// Whether the key is present with a value (a key holding nothing counts as absent).
    public func has(_ key: String) -> Bool {
        guard let entry = entries.first(where: { $0.key == key }) else { return false }
        return !entry.value.isNull
    }

    /// Where a key is written, if present.
    public func keyPosition(_ key: String) -> ConfigPosition? {
        entries.first(where: { $0.key == key })?.keyPosition
    }

    /// The path of a key of this mapping, such as `integrations.payments.retry.base`.
    public func path(of key: String) -> String {
        ConfigNode.path(path, key: key)
    }

    /// The raw node under a key (which may be a null node), and marks the key as read.
    public func child(_ key: String) -> ConfigNode? {
        readKeys.insert(key)
        return entries.first(where: { $0.key == key })?.value
    }

    /// The non-null node under a key; records "missing required key" when required and absent.
    public func value(_ key: String, required: Bool = false) -> ConfigNode? {
        let found = child(key)
        guard let found, !found.isNull else {
            if required {
                if let found {
                    diagnostics.error("a value is required", at: found)
                } else {
                    diagnostics.error("missing required key", path: path(of: key), position: position)
                }
            }
            return nil
        }
        return found
    }

    /// A string; any single value reads as its text.
    public func string(_ key: String, required: Bool = false) -> String? {
        value(key, required: required)?.string(diagnostics)
    }

    /// A list of strings; a single value is accepted as a one-element list.
    public func strings(_ key: String, required: Bool = false) -> [String]? {
        value(key, required: required)?.strings(diagnostics)
    }

    /// A decimal integer, optionally within `range`.
    public func int(_ key: String, required: Bool = false, range: ClosedRange<Int>? = nil) -> Int? {
        value(key, required: required)?.int(diagnostics, range: range)
    }

    /// A finite number.
    public func double(_ key: String, required: Bool = false) -> Double? {
        value(key, required: required)?.double(diagnostics)
    }

    /// `true` or `false`.
    public func bool(_ key: String, required: Bool = false) -> Bool? {
        value(key, required: required)?.bool(diagnostics)
    }

    /// A duration: `250ms`, `10s`, `1.5s`, `55m`, `1h`, `14d`.
    public func duration(_ key: String, required: Bool = false) -> Duration? {
        value(key, required: required)?.duration(diagnostics)
    }

    /// A size in bytes: `1048576`, `64KB`, `512KiB`, `1MiB`.
    public func byteSize(_ key: String, required: Bool = false) -> Int? {
        value(key, required: required)?.byteSize(diagnostics)
    }

    /// A rate: `200/s`, `1000/m`, `10/h`.
    public func rate(_ key: String, required: Bool = false) -> Rate? {
        value(key, required: required)?.rate(diagnostics)
    }

    /// One of a fixed set of words; the error lists the allowed ones.
    public func oneOf(_ key: String, _ allowed: [String], required: Bool = false) -> String? {
        value(key, required: required)?.oneOf(allowed, diagnostics)
    }

    /// A nested strict reader; it is finished with this one if its owner does not finish it first.
    public func mapping(_ key: String, required: Bool = false) -> ConfigReader? {
        guard let found = value(key, required: required) else { return nil }
        guard found.kind == .mapping else {
            if !found.interpolationFailed {
                diagnostics.error("expected a mapping, found \(found.kindDescription)", at: found)
            }
            return nil
        }
        let reader = ConfigReader(node: found, diagnostics: diagnostics)
        nested.append(reader)
        return reader
    }

    /// The elements of a list.
    public func list(_ key: String, required: Bool = false) -> [ConfigNode]? {
        value(key, required: required)?.list(diagnostics)
    }

    /// Reports every key nobody read as "unknown key 'name'" at the key's position; then finishes nested readers.
    ///
    /// Calling it again does nothing.
    public func finish() {
        guard !finished else { return }
        finished = true
        let present = Set(entries.map(\.key))
        let expected = readKeys.subtracting(present).sorted()
        for entry in entries where !readKeys.contains(entry.key) {
            var message = "unknown key '\(entry.key)'"
            if let suggestion = Self.closest(to: entry.key, among: expected) {
                message += " (did you mean '\(suggestion)'?)"
            }
            diagnostics.error(message, path: path(of: entry.key), position: entry.keyPosition)
        }
        for reader in nested {
            reader.finish()
        }
    }

    /// The expected key closest to a misspelt one, when it is within a couple of edits.
    static func closest(to key: String, among candidates: [String]) -> String? {
        let typed = Array(key.lowercased())
        var best: (key: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(typed, Array(candidate.lowercased()))
            let limit = max(1, min(2, candidate.count / 3))
            if distance <= limit, distance < (best?.distance ?? Int.max) {
                best = (candidate, distance)
            }
        }
        return best?.key
    }

    private static func editDistance(_ lhs: [Character], _ rhs: [Character]) -> Int {
        guard !lhs.isEmpty else { return rhs.count }
        guard !rhs.isEmpty else { return lhs.count }
        var previous = Array(0...rhs.count)
        var current = previous
        for i in 1...lhs.count {
            current[0] = i
            for j in 1...rhs.count {
                let substitution = previous[j - 1] + (lhs[i - 1] == rhs[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[rhs.count]
    }
}
