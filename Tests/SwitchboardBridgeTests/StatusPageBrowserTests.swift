import Foundation
import Testing
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardBridge

/// The admin listener's status page, loaded in headless Chromium after real events went through a real bridge to a
/// real HTTP sink: what a person would see, and the Replay action.
@Suite("Status page in headless Chromium")
struct StatusPageBrowserTests {
    /// A bridge with an integration of its own name (the windowed counts are per integration and process-wide).
    static func yaml(endpoint: String, journal: String, integration: String, admin: String = "127.0.0.1:0") -> String {
        """
        polyai:
          endpoint: \(endpoint)
          account_id: ws-test
        listen: 127.0.0.1:0
        admin: \(admin)
        journal: { path: \(journal) }
        integrations:
          \(integration):
            plugin: mapping
            project_id: PROJECT-TEST
            key: { env: TEST_KEY_BOOKINGS, agents: [PROJECT-TEST], permissions: [external_events], expires: 2099-01-01 }
            options:
              event_id: { from: json, path: cid }
              body: passthrough
            retry: { max_attempts: 3, base: 20ms, cap: 100ms, deadline: 55m }
        routes:
          - from: { webhook: /hooks/status }
            to: \(integration)
        """
    }

    @Test("after events flow the page shows the integration's counts and a dead letter; its replay removes it")
    func pageAfterEventsFlow() async throws {
        _ = try HeadlessChromium.executable()
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        // Markup in PolyAI's error_message must show as text, never become an element of the page.
        sink.script("EVT-BAD", [.init(status: 400, body: #"{"error_message":"<img src=x onerror=alert(1)> no such conversation"}"#)])
        let bridge = try TestBridge(
            yaml: Self.yaml(endpoint: base, journal: temporaryDirectory(), integration: "status_page"), directory: temporaryDirectory()
        )
        let hook = await bridge.webhookURL + "/hooks/status"
        for id in ["EVT-OK-1", "EVT-OK-2", "EVT-BAD"] {
            #expect(try await httpRequest(bridge.client, hook, body: #"{"cid":"\#(id)"}"#).status == 202)
        }
        #expect(await waitUntil(seconds: 20) {
            sink.accepted.count == 2 && (try? bridge.bridge.journal.deadLetterCount()) == 1 && bridge.bridge.journal.depth == 0
        })
        let letter = try #require(try bridge.bridge.journal.deadLetters(limit: 1, integration: nil).first)
        let admin = await bridge.adminURL

        let dom = try await HeadlessChromium.dumpDOM(admin + "/")
        let row = try #require(PageText.block(#"<tr data-integration="status_page">"#, in: dom, closing: "tr"), "no integration row in \(dom)")
        #expect(PageText.element(#"data-field="name""#, in: row) == "status_page")
        #expect(PageText.element(#"data-field="received-1m""#, in: row) == "3")
        #expect(PageText.element(#"data-field="received-5m""#, in: row) == "3")
        #expect(PageText.element(#"data-field="delivered-1m""#, in: row) == "2")
        #expect(PageText.element(#"data-field="delivered-5m""#, in: row) == "2")
        #expect(PageText.element(#"data-field="dead-lettered-1m""#, in: row) == "1rejected 1")
        #expect(PageText.element(#"data-field="dead-lettered-5m""#, in: row) == "1rejected 1")
        #expect(PageText.element(#"data-field="in-flight""#, in: row) == "0")
        #expect(PageText.element(#"data-field="backlog""#, in: row) == "0")
        #expect(PageText.element(#"data-field="circuit""#, in: row)?.hasPrefix("closed") == true)
        #expect(PageText.element(#"data-field="key""#, in: row)?.hasPrefix("expires in ") == true)
        #expect(PageText.element(#"data-field="last-success""#, in: row)?.hasSuffix(" UTC") == true)
        #expect(PageText.element(#"data-field="routes""#, in: row) == "webhook /hooks/status")
        #expect(PageText.element(#"id="summary""#, in: dom, closing: "p")?.contains("journal depth 0") == true)

        let deadLetter = try #require(PageText.block(#"<tr data-dead-letter="\#(letter.id)">"#, in: dom, closing: "tr"), "no dead letter row in \(dom)")
        #expect(PageText.element(#"data-field="integration""#, in: deadLetter) == "status_page")
        #expect(PageText.element(#"data-field="reason""#, in: deadLetter) == "rejected")
        #expect(PageText.element(#"data-field="status""#, in: deadLetter) == "400")
        #expect(PageText.element(#"data-field="error-message""#, in: deadLetter) == "&lt;img src=x onerror=alert(1)&gt; no such conversation")
        let correlationID = try #require(letter.correlationID)  // the sink's X-PolyAI-Correlation-Id
        #expect(PageText.element(#"data-field="correlation-id""#, in: deadLetter) == correlationID)
        #expect(PageText.element(#"data-field="time""#, in: deadLetter)?.hasSuffix(" UTC") == true)
        #expect(deadLetter.contains(#"data-id="\#(letter.id)">Replay</button>"#))
        #expect(!dom.contains("<img"))
        #expect(!dom.contains(TestBridge.key))

        // Replay does what the button does: the page's own request, with the session cookie the page got and the
        // CSRF token it carries (the page's script sends it as X-CSRF-Token).
        let page = try await httpRequest(bridge.client, admin + "/", method: "GET", headers: [])
        let pageSource = String(decoding: page.body, as: UTF8.self)
        #expect(pageSource.contains(#"headers: { "X-CSRF-Token": csrfToken }"#))
        let cookie = try #require(page.header("set-cookie")?.split(separator: ";").first.map(String.init))
        let csrf = try #require(Self.csrfToken(in: pageSource))
        #expect(dom.contains(#"<meta name="csrf-token" content=""#))
        let replayURL = admin + "/-/dead-letters/\(letter.id)/replay"

        // Without the CSRF token (what a form on another site could send with the cookie), or from another origin:
        // refused, and the dead letter stays.
        #expect(try await httpRequest(bridge.client, replayURL, headers: [("Cookie", cookie)]).status == 403)
        let crossSite = [("Cookie", cookie), ("X-CSRF-Token", csrf), ("Origin", "http://evil.example")]
        #expect(try await httpRequest(bridge.client, replayURL, headers: crossSite).status == 403)
        #expect(try bridge.bridge.journal.deadLetterCount() == 1)

        let replayed = try await httpRequest(bridge.client, replayURL, headers: [("Cookie", cookie), ("X-CSRF-Token", csrf)])
        #expect(replayed.status == 200)
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(replayed.body)) as? [String: Any])
        #expect(answer["result"] as? String == "delivered")
        #expect(sink.accepted.last?.eventID == "EVT-BAD")
        #expect(try bridge.bridge.journal.deadLetterCount() == 0)

        let after = try await HeadlessChromium.dumpDOM(admin + "/")
        #expect(!after.contains("data-dead-letter="))
        #expect(PageText.element(#"id="dead-letter-summary""#, in: after, closing: "p") == "No dead letters.")
        #expect(after.contains(#"<tr data-integration="status_page">"#))
        await bridge.stop()
    }

    @Test("with admin.token the page asks for the token; every request but healthz, readyz and metrics needs it")
    func tokenGuardsTheListener() async throws {
        _ = try HeadlessChromium.executable()
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let token = "admin-token-5f4e3d2c1b0a"
        let bridge = try TestBridge(
            yaml: Self.yaml(
                endpoint: base, journal: temporaryDirectory(), integration: "status_token",
                admin: #"{ listen: 127.0.0.1:0, token: "${ADMIN_TOKEN}" }"#
            ),
            directory: temporaryDirectory(), environment: ["ADMIN_TOKEN": token]
        )
        let admin = await bridge.adminURL
        let client = bridge.client
        for open in ["/healthz", "/readyz", "/metrics"] {
            #expect(try await httpRequest(client, admin + open, method: "GET", headers: []).status == 200)
        }
        #expect(try await httpRequest(client, admin + "/-/status", method: "GET", headers: []).status == 401)
        #expect(try await httpRequest(client, admin + "/-/status", method: "GET", headers: [("Authorization", "Bearer wrong")]).status == 401)
        let asBearer = try await httpRequest(client, admin + "/-/status", method: "GET", headers: [("Authorization", "Bearer \(token)")])
        #expect(asBearer.status == 200)
        let statusText = String(decoding: asBearer.body, as: UTF8.self)
        #expect(statusText.contains(#""name":"status_token""#))
        #expect(!statusText.contains(token) && !statusText.contains(TestBridge.key))
        // A bearer caller needs no CSRF token (no browser adds that header by itself): a missing dead letter is 404.
        let bearerReplay = try await httpRequest(client, admin + "/-/dead-letters/999/replay", headers: [("Authorization", "Bearer \(token)")])
        #expect(bearerReplay.status == 404)

        // The page without the token: the sign-in form, and no session.
        let signInPage = try await httpRequest(client, admin + "/", method: "GET", headers: [])
        #expect(signInPage.status == 401)
        #expect(signInPage.header("set-cookie") == nil)
        let dom = try await HeadlessChromium.dumpDOM(admin + "/")
        #expect(dom.contains(#"<section id="sign-in">"#))
        #expect(dom.contains(#"<main id="status" hidden="">"#))
        #expect(dom.contains(#"id="token""#))
        #expect(!dom.contains("data-integration="))

        // Posting the token (what the form does) opens a session: an HttpOnly, SameSite=Strict cookie.
        let json = [("Content-Type", "application/json")]
        #expect(try await httpRequest(client, admin + "/-/session", body: #"{"token":"wrong"}"#, headers: json).status == 401)
        let signedIn = try await httpRequest(client, admin + "/-/session", body: #"{"token":"\#(token)"}"#, headers: json)
        #expect(signedIn.status == 200)
        let setCookie = try #require(signedIn.header("set-cookie"))
        #expect(setCookie.hasPrefix(AdminAccess.cookieName + "="))
        #expect(setCookie.contains("; HttpOnly") && setCookie.contains("; SameSite=Strict") && setCookie.contains("; Path=/"))
        let cookie = try #require(setCookie.split(separator: ";").first.map(String.init))
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(signedIn.body)) as? [String: Any])
        let csrf = try #require(answer["csrf_token"] as? String)
        #expect(try await httpRequest(client, admin + "/-/status", method: "GET", headers: [("Cookie", cookie)]).status == 200)
        let page = try await httpRequest(client, admin + "/", method: "GET", headers: [("Cookie", cookie)])
        #expect(page.status == 200)
        #expect(Self.csrfToken(in: String(decoding: page.body, as: UTF8.self)) == csrf)
        let replay = admin + "/-/dead-letters/999/replay"
        #expect(try await httpRequest(client, replay, headers: [("Cookie", cookie)]).status == 403)
        #expect(try await httpRequest(client, replay, headers: [("Cookie", cookie), ("X-CSRF-Token", (csrf.first == "a" ? "b" : "a") + csrf.dropFirst())]).status == 403)
        #expect(try await httpRequest(client, replay, headers: [("Cookie", cookie), ("X-CSRF-Token", csrf)]).status == 404)

        // A listener on loopback answers the page only under a loopback name (no DNS rebinding).
        let rebound = try await httpRequest(client, admin + "/-/status", method: "GET", headers: [("Cookie", cookie), ("Host", "evil.example")])
        #expect(rebound.status == 421)
        await bridge.stop()
    }

    @Test("the status JSON carries the circuit's last error with its Retry-After, and the dead letter's reason")
    func lastErrorAndRetryAfter() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        sink.script("EVT-BUSY", [.init(status: 503, headers: [Header("Retry-After", "7")], body: #"{"error_message":"busy"}"#)])
        let yaml = Self.yaml(endpoint: base, journal: temporaryDirectory(), integration: "status_circuit")
            .replacingOccurrences(of: "max_attempts: 3", with: "max_attempts: 1")
        let bridge = try TestBridge(yaml: yaml, directory: temporaryDirectory())
        #expect(try await httpRequest(bridge.client, await bridge.webhookURL + "/hooks/status", body: #"{"cid":"EVT-BUSY"}"#).status == 202)
        #expect(await waitUntil(seconds: 20) { (try? bridge.bridge.journal.deadLetterCount()) == 1 })
        let reply = try await httpRequest(bridge.client, await bridge.adminURL + "/-/status", method: "GET", headers: [])
        #expect(reply.status == 200)
        #expect(reply.header("content-type") == "application/json")
        let status = try #require(try JSONSerialization.jsonObject(with: Data(reply.body)) as? [String: Any])
        let integrations = try #require(status["integrations"] as? [[String: Any]])
        let integration = try #require(integrations.first { $0["name"] as? String == "status_circuit" })
        #expect(integration["dead_lettered_5m"] as? [String: Int] == ["max_attempts": 1])
        #expect(integration["received_5m"] as? Int == 1)
        let circuit = try #require(integration["circuit"] as? [String: Any])
        #expect(circuit["state"] as? String == "closed")
        let failure = try #require(circuit["last_error"] as? [String: Any])
        #expect(failure["status"] as? Int == 503)
        #expect(failure["message"] as? String == "busy")
        #expect(failure["retry_after_seconds"] as? Double == 7)
        let letters = try #require(status["dead_letters"] as? [[String: Any]])
        #expect(letters.first?["reason"] as? String == "max_attempts")
        #expect(letters.first?["error_message"] as? String == "busy")
        await bridge.stop()
    }

    /// The CSRF token in the page's `<meta name="csrf-token">`.
    static func csrfToken(in page: String) -> String? {
        guard let start = page.range(of: #"<meta name="csrf-token" content=""#),
              let end = page[start.upperBound...].firstIndex(of: "\"")
        else { return nil }
        let token = String(page[start.upperBound..<end])
        return token.isEmpty ? nil : token
    }
}
