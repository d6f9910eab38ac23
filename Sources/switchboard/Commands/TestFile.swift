import Foundation
import SwitchboardCore

/// One `switchboard test` file: the environment and clock its configuration is loaded with, and its tests.
///
/// ```yaml
/// env: { STRIPE_WEBHOOK_SECRET: whsec_test }
/// now: 2026-12-01T12:00:00Z
/// tests:
///   - name: a confirmed booking reaches its conversation
///     request: { path: /hooks/bookings, headers: { Content-Type: application/json }, body: '{"cid":"evt_1"}' }
///     expect: { events: [ { event_id: evt_1 } ] }
/// ```
struct TestFile {
    /// The largest test file, or file a test reads a body from.
    static let maximumFileBytes = 32 << 20

    /// The file as named on the command line.
    var path: String
    /// What `${NAME}` reads in the configuration (nothing else of the process environment).
    var environment: [String: String]
    /// The clock, in milliseconds since 1970, when `now:` sets it.
    var nowMillis: Int64?
    /// The tests, in file order.
    var cases: [TestCase]

    /// Reads and checks a test file strictly; nil with every issue when it cannot be used.
    static func load(_ path: String) -> (TestFile?, [ConfigIssue]) {
        let diagnostics = ConfigDiagnostics()
        let context = Context(file: path, diagnostics: diagnostics)
        guard let text = context.readText(path) else { return (nil, diagnostics.issues) }
        guard let root = ConfigLoader.parseLiteral(yaml: text, file: path, diagnostics: diagnostics) else { return (nil, diagnostics.issues) }
        let reader = ConfigReader(node: root, diagnostics: diagnostics, position: ConfigPosition(file: path, line: 1, column: 1))
        var environment: [String: String] = [:]
        if let env = reader.mapping("env") {
            for name in env.keys {
                if let value = env.string(name, required: true) { environment[name] = value }
            }
        }
        var nowMillis: Int64?
        if let node = reader.value("now") {
            if let text = node.string(diagnostics) {
                nowMillis = Timestamps.iso8601(text)
                if nowMillis == nil { diagnostics.error("expected a time such as 2026-12-01T12:00:00Z", at: node) }
            }
        }
        var cases: [TestCase] = []
        if let list = reader.list("tests", required: true) {
            if list.isEmpty { diagnostics.error("expected at least one test", path: "tests", position: reader.keyPosition("tests")) }
            for node in list {
                if let test = TestCase.read(node, context) { cases.append(test) }
            }
        }
        reader.finish()
        // In file order, as the configuration loader reports them.
        let issues = diagnostics.issues.enumerated().sorted { lhs, rhs in
            (lhs.element.position?.line ?? 0, lhs.element.position?.column ?? 0, lhs.offset)
                < (rhs.element.position?.line ?? 0, rhs.element.position?.column ?? 0, rhs.offset)
        }.map(\.element)
        guard !diagnostics.hasErrors else { return (nil, issues) }
        return (TestFile(path: path, environment: environment, nowMillis: nowMillis, cases: cases), issues)
    }

    /// What reading one test file needs: where issues go and where relative `body_file:` paths start.
    struct Context {
        var file: String
        var diagnostics: ConfigDiagnostics

        /// A file named in the test file (relative to its directory), or nil with an issue at `node`.
        func readBytes(_ name: String, at node: ConfigNode) -> [UInt8]? {
            let resolved = name.hasPrefix("/") ? name : (URL(fileURLWithPath: file).deletingLastPathComponent().path + "/" + name)
            switch Self.read(resolved) {
            case .success(let bytes): return bytes
            case .failure(let failure):
                diagnostics.error("'\(TextEscaping.printable(name))' \(failure.message)", at: node)
                return nil
            }
        }

        /// The test file's own text, or nil with an issue.
        func readText(_ path: String) -> String? {
            switch Self.read(path) {
            case .success(let bytes):
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    diagnostics.error("test file '\(path)' is not UTF-8 text", path: "", position: nil)
                    return nil
                }
                return text
            case .failure(let failure):
                diagnostics.error("test file '\(path)' \(failure.message)", path: "", position: nil)
                return nil
            }
        }

        private struct ReadFailure: Error {
            var message: String
        }

        private static func read(_ path: String) -> Result<[UInt8], ReadFailure> {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                return .failure(ReadFailure(message: "does not exist"))
            }
            guard !isDirectory.boolValue else { return .failure(ReadFailure(message: "is a directory")) }
            guard let handle = FileHandle(forReadingAtPath: path) else {
                return .failure(ReadFailure(message: "cannot be read (check its permissions)"))
            }
            defer { try? handle.close() }
            guard let data = try? handle.read(upToCount: maximumFileBytes + 1) ?? Data() else {
                return .failure(ReadFailure(message: "cannot be read"))
            }
            guard data.count <= maximumFileBytes else { return .failure(ReadFailure(message: "is larger than 32 MiB")) }
            return .success(Array(data))
        }
    }
}
