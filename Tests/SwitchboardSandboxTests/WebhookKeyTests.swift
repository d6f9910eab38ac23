import Foundation
import Testing

import SwitchboardSandbox

@Suite("The External Events endpoint checks the API key like PolyAI")
struct WebhookKeyTests {
    @Test("a request without X-Api-Key is refused with 401")
    func missingKey() async throws {
        try await withSandbox(try standardOptions()) { client in
            let minted = try await client.startConversation()
            let response = try await client.postEvent(key: nil, body: #"{"cid": "\#(minted.externalEventID)"}"#)
            #expect(response.status == 401)
            #expect(response.errorMessage == "Missing API key: send it in the X-Api-Key header")
        }
    }

    @Test("an unknown key is refused with 401, and the key never appears in the answer")
    func unknownKey() async throws {
        try await withSandbox(try standardOptions()) { client in
            let minted = try await client.startConversation()
            let response = try await client.postEvent(
                key: "sk-not-a-real-key-9999", body: #"{"cid": "\#(minted.externalEventID)"}"#)
            #expect(response.status == 401)
            #expect(response.errorMessage == "Invalid API key")
            #expect(!response.body.contains("sk-not-a-real-key-9999"))
        }
    }

    @Test("an expired key is refused with 401 even though everything else is right")
    func expiredKey() async throws {
        try await withSandbox(try standardOptions()) { client in
            let minted = try await client.startConversation()
            let response = try await client.postEvent(
                key: "sk-sandbox-expired-0005", body: #"{"cid": "\#(minted.externalEventID)"}"#)
            #expect(response.status == 401)
            #expect(response.errorMessage == "API key expired")
        }
    }

    @Test("a key stops working the moment its expiry date arrives")
    func keyExpiresOnItsDate() async throws {
        // 2030-12-31T23:59:00Z: one minute before the quickstart key's expiry (2031-01-01).
        let clock = TestClock(Date(timeIntervalSince1970: 1_924_991_940))
        try await withSandbox(try standardOptions(clock: clock)) { client in
            let minted = try await client.startConversation()
            let before = try await client.postEvent(body: #"{"cid": "\#(minted.externalEventID)"}"#)
            #expect(before.status == 201)
            clock.advance(seconds: 60)
            let after = try await client.postEvent(body: #"{"cid": "\#(minted.externalEventID)"}"#)
            #expect(after.status == 401)
            #expect(after.errorMessage == "API key expired")
        }
    }

    @Test("a key without the external_events permission is refused with 403")
    func missingPermission() async throws {
        try await withSandbox(try standardOptions()) { client in
            let minted = try await client.startConversation()
            let response = try await client.postEvent(
                key: "sk-sandbox-no-events-0002", body: #"{"cid": "\#(minted.externalEventID)"}"#)
            #expect(response.status == 403)
            #expect(response.errorMessage == "API key does not have the external_events permission")
        }
    }

    @Test("a key scoped to other agents is refused with 403 for this project")
    func projectOutsideAgents() async throws {
        try await withSandbox(try standardOptions()) { client in
            let minted = try await client.startConversation()
            let response = try await client.postEvent(
                key: "sk-sandbox-other-agent-0003", body: #"{"cid": "\#(minted.externalEventID)"}"#)
            #expect(response.status == 403)
            #expect(response.errorMessage == "API key is not allowed for project PROJECT-QUICKSTART")
        }
    }

    @Test("a key of another account is refused with 403")
    func otherAccount() async throws {
        try await withSandbox(try standardOptions()) { client in
            let minted = try await client.startConversation()
            let response = try await client.postEvent(
                key: "sk-sandbox-other-account-0004", body: #"{"cid": "\#(minted.externalEventID)"}"#)
            #expect(response.status == 403)
            #expect(response.errorMessage == "API key does not belong to account ws-sandbox")
        }
    }

    @Test("the key header is matched case-insensitively (x-api-key works)")
    func lowercaseHeader() async throws {
        try await withSandbox(try standardOptions()) { client in
            let minted = try await client.startConversation()
            let response = try await client.postEvent(
                keyHeader: "x-api-key", body: #"{"cid": "\#(minted.externalEventID)"}"#)
            #expect(response.status == 201)
        }
    }

    @Test("a key scoped to all agents is accepted for any project")
    func allAgents() async throws {
        try await withSandbox(try standardOptions()) { client in
            let minted = try await client.startConversation(project: "PROJECT-ANYTHING")
            let response = try await client.postEvent(
                target: SandboxClient.webhookTarget(project: "PROJECT-ANYTHING"),
                key: "sk-sandbox-all-agents-0006", body: #"{"cid": "\#(minted.externalEventID)"}"#)
            #expect(response.status == 201)
        }
    }

    @Test("without a keys file any non-empty key is accepted, and an empty one is still refused")
    func openMode() async throws {
        try await withSandbox(SandboxOptions()) { client in
            let minted = try await client.startConversation(project: "PROJECT-X")
            let target = SandboxClient.webhookTarget(account: "ws-any", project: "PROJECT-X")
            let accepted = try await client.postEvent(
                target: target, key: "whatever", body: #"{"cid": "\#(minted.externalEventID)"}"#)
            #expect(accepted.status == 201)
            let refused = try await client.postEvent(
                target: target, key: "", body: #"{"cid": "\#(minted.externalEventID)"}"#)
            #expect(refused.status == 401)
        }
    }

    @Test("a key given as env: is read from the environment")
    func keyFromEnvironment() async throws {
        let variable = "SWITCHBOARD_SANDBOX_TEST_KEY_\(UUID().uuidString.prefix(8))"
        setenv(variable, "sk-from-environment-0007", 1)
        defer { unsetenv(variable) }
        let keys = """
            keys:
              - name: from-env
                env: \(variable)
                agents: all
                permissions: [external_events]
            """
        try await withSandbox(SandboxOptions(keysFile: try writeKeysFile(keys))) { client in
            let minted = try await client.startConversation()
            let response = try await client.postEvent(
                key: "sk-from-environment-0007", body: #"{"cid": "\#(minted.externalEventID)"}"#)
            #expect(response.status == 201)
        }
    }
}
