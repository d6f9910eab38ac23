import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

import SwitchboardSandbox

/// A clock the tests move by hand, so expiry is tested without waiting.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_900_000_000)) {
        self.current = Mutex(start)
    }

    /// The time now.
    func now() -> Date {
        current.withLock { $0 }
    }

    /// Moves the clock forward.
    func advance(seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// A logger that keeps test output quiet unless something is really wrong.
func quietLogger() -> Logger {
    var logger = Logger(label: "switchboard.sandbox.tests")
    logger.logLevel = .critical
    return logger
}

/// A minted id as the sandbox hands it out.
struct Minted: Decodable {
    let conversationID: String
    let externalEventID: String
    let expiresAt: String
    let sendToLLM: Bool

    enum CodingKeys: String, CodingKey {
        case conversationID = "conversation_id"
        case externalEventID = "external_event_id"
        case expiresAt = "expires_at"
        case sendToLLM = "send_to_llm"
    }
}

/// A conversation as `GET /sandbox/conversations/{id}` shows it.
struct Conversation: Decodable {
    struct Event: Decodable {
        let extEventID: String
        let createdAt: String
        let data: String
        let contentType: String
        let sendToLLM: Bool

        enum CodingKeys: String, CodingKey {
            case extEventID = "ext_event_id"
            case createdAt = "created_at"
            case data
            case contentType = "content_type"
            case sendToLLM = "send_to_llm"
        }
    }

    let conversationID: String
    let projectID: String?
    let events: [Event]

    enum CodingKeys: String, CodingKey {
        case conversationID = "conversation_id"
        case projectID = "project_id"
        case events
    }
}

/// The webhook counters of `GET /sandbox/requests`.
struct Counters: Decodable {
    let received: Int
    let accepted: Int
    let dropped: Int
    let byStatus: [String: Int]

    enum CodingKeys: String, CodingKey {
        case received, accepted, dropped
        case byStatus = "by_status"
    }
}

/// Talks to one running sandbox over real HTTP.
struct SandboxClient: Sendable {
    let port: Int

    static let account = "ws-sandbox"
    static let project = "PROJECT-QUICKSTART"

    /// The webhook target with PolyAI's four query parameters (plus any extra ones).
    static func webhookTarget(
        location: String = "payload",
        path: String = "cid",
        account: String = account,
        project: String = project,
        extra: String = ""
    ) -> String {
        var target = "/v1/external-events/webhook?event_id_location=\(location)&event_id_path=\(path)"
        target += "&account_id=\(account)&project_id=\(project)"
        return extra.isEmpty ? target : target + "&" + extra
    }

    /// Posts to the External Events endpoint.
    func postEvent(
        target: String = SandboxClient.webhookTarget(),
        key: String? = "sk-sandbox-quickstart-0001",
        keyHeader: String = "X-Api-Key",
        contentType: String? = "application/json",
        headers: [(String, String)] = [],
        body: String
    ) async throws -> RawResponse {
        var all = headers
        if let key {
            all.append((keyHeader, key))
        }
        if let contentType {
            all.append(("Content-Type", contentType))
        }
        return try await RawHTTPClient.send(port: port, method: "POST", target: target, headers: all, body: body)
    }

    /// Starts a conversation and returns its first id.
    func startConversation(project: String? = SandboxClient.project, account: String? = nil, sendToLLM: Bool? = nil)
        async throws -> Minted
    {
        var fields: [String] = []
        if let project { fields.append("\"project_id\": \"\(project)\"") }
        if let account { fields.append("\"account_id\": \"\(account)\"") }
        if let sendToLLM { fields.append("\"send_to_llm\": \(sendToLLM)") }
        let response = try await RawHTTPClient.send(
            port: port, method: "POST", target: "/sandbox/conversations",
            headers: [("Content-Type", "application/json")], body: "{\(fields.joined(separator: ", "))}")
        try #require(response.status == 201, "minting answered \(response.status): \(response.body)")
        return try JSONDecoder().decode(Minted.self, from: Data(response.body.utf8))
    }

    /// Mints another id for a conversation.
    func mintAnother(conversationID: String, sendToLLM: Bool? = nil) async throws -> RawResponse {
        let body = sendToLLM.map { "{\"send_to_llm\": \($0)}" } ?? ""
        return try await RawHTTPClient.send(
            port: port, method: "POST", target: "/sandbox/conversations/\(conversationID)/external-event-ids",
            headers: [("Content-Type", "application/json")], body: body)
    }

    /// One conversation with its events.
    func conversation(_ id: String) async throws -> Conversation {
        let response = try await RawHTTPClient.send(port: port, method: "GET", target: "/sandbox/conversations/\(id)")
        try #require(response.status == 200, "conversation lookup answered \(response.status)")
        return try JSONDecoder().decode(Conversation.self, from: Data(response.body.utf8))
    }

    /// Every conversation.
    func conversations() async throws -> [Conversation] {
        let response = try await RawHTTPClient.send(port: port, method: "GET", target: "/sandbox/conversations")
        try #require(response.status == 200)
        return try JSONDecoder().decode([Conversation].self, from: Data(response.body.utf8))
    }

    /// The webhook counters.
    func counters() async throws -> Counters {
        let response = try await RawHTTPClient.send(port: port, method: "GET", target: "/sandbox/requests")
        try #require(response.status == 200)
        return try JSONDecoder().decode(Counters.self, from: Data(response.body.utf8))
    }

    /// Replaces the faults at run time.
    func setFaults(_ json: String) async throws -> RawResponse {
        try await RawHTTPClient.send(
            port: port, method: "PUT", target: "/sandbox/faults", headers: [("Content-Type", "application/json")],
            body: json)
    }
}

/// Runs a sandbox on a free loopback port inside a ServiceGroup, hands a client to `body`, then shuts it down
/// gracefully and waits for `run()` to return.
func withSandbox<Result: Sendable>(
    _ options: SandboxOptions = SandboxOptions(),
    _ body: (SandboxClient) async throws -> Result
) async throws -> Result {
    var options = options
    options.host = "127.0.0.1"
    options.port = 0
    let sandbox = try Sandbox(options: options, logger: quietLogger())
    let group = ServiceGroup(services: [sandbox], logger: quietLogger())
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        let port = await sandbox.boundPort()
        do {
            try #require(port > 0, "the sandbox did not start listening")
            let result = try await body(SandboxClient(port: port))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        } catch {
            await group.triggerGracefulShutdown()
            tasks.cancelAll()
            throw error
        }
    }
}

/// Writes a keys file into a fresh temporary folder and returns its path.
func writeKeysFile(_ yaml: String) throws -> String {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("switchboard-sandbox-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let file = folder.appendingPathComponent("keys.yaml")
    try yaml.write(to: file, atomically: true, encoding: .utf8)
    return file.path
}

/// The keys most tests use: one good key, and one for each way a key can be refused.
let standardKeysYAML = """
    keys:
      - name: quickstart
        key: sk-sandbox-quickstart-0001
        account_id: ws-sandbox
        agents: [PROJECT-QUICKSTART, PROJECT-OTHER]
        permissions: [external_events]
        expires: 2031-01-01
      - name: conversations-only
        key: sk-sandbox-no-events-0002
        agents: all
        permissions: [conversations_data, handoff]
      - name: other-agent
        key: sk-sandbox-other-agent-0003
        agents: [PROJECT-ELSEWHERE]
        permissions: [external_events]
      - name: other-account
        key: sk-sandbox-other-account-0004
        account_id: ws-someone-else
        agents: all
        permissions: [external_events]
      - name: expired
        key: sk-sandbox-expired-0005
        agents: all
        permissions: [external_events]
        expires: 2020-01-01
      - name: everything
        key: sk-sandbox-all-agents-0006
        agents: all
        permissions: [external_events, conversations_data]
    """

/// Options with the standard keys file and the test clock.
func standardOptions(clock: TestClock = TestClock(), configure: (inout SandboxOptions) -> Void = { _ in }) throws
    -> SandboxOptions
{
    var options = SandboxOptions(keysFile: try writeKeysFile(standardKeysYAML), now: { clock.now() })
    configure(&options)
    return options
}
