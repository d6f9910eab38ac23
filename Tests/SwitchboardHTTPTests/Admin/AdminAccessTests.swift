import Testing
@testable import SwitchboardHTTP

@Suite("AdminAccess: token, sessions and CSRF of the admin listener")
struct AdminAccessTests {
    @Test("with a token: bearer or a session cookie; nothing else")
    func withToken() {
        let access = AdminAccess(token: "tok-123")
        #expect(access.requiresToken)
        #expect(access.caller(authorization: "Bearer tok-123", cookies: []) == .bearer)
        #expect(access.caller(authorization: "bearer  tok-123", cookies: []) == .bearer)
        #expect(access.caller(authorization: "Bearer tok-1234", cookies: []) == .denied)
        #expect(access.caller(authorization: "Basic dG9rLTEyMw==", cookies: []) == .denied)
        #expect(access.caller(authorization: nil, cookies: ["switchboard_session=made-up"]) == .denied)
        #expect(access.isToken("tok-123") && !access.isToken("tok-12") && !access.isToken(""))
        let session = access.openSession()
        #expect(session.id.count == 64 && session.csrfToken.count == 64 && session.id != session.csrfToken)
        #expect(access.caller(authorization: nil, cookies: ["theme=dark; switchboard_session=\(session.id)"]) == .session(session))
        let cookie = access.cookie(for: session)
        #expect(cookie.hasPrefix("switchboard_session=\(session.id); Path=/; HttpOnly; SameSite=Strict"))
    }

    @Test("actions need the session's CSRF token; a bearer caller needs none; anonymous callers may not act")
    func csrf() {
        let access = AdminAccess(token: nil)
        #expect(!access.requiresToken)
        #expect(access.caller(authorization: "Bearer anything", cookies: []) == .anonymous)
        #expect(!access.isToken("anything"))
        let session = access.openSession()
        let caller = access.caller(authorization: nil, cookies: ["switchboard_session=\(session.id)"])
        #expect(access.mayAct(caller, csrfToken: session.csrfToken))
        #expect(!access.mayAct(caller, csrfToken: nil))
        #expect(!access.mayAct(caller, csrfToken: String(session.csrfToken.dropLast())))
        #expect(!access.mayAct(caller, csrfToken: access.openSession().csrfToken))
        #expect(!access.mayAct(.anonymous, csrfToken: session.csrfToken))
        #expect(!access.mayAct(.denied, csrfToken: session.csrfToken))
        #expect(access.mayAct(.bearer, csrfToken: nil))
    }

    @Test("at most maxSessions are kept, the oldest dropped first; expired sessions are gone")
    func bounded() {
        let access = AdminAccess(token: nil, maxSessions: 2)
        let first = access.openSession()
        let second = access.openSession()
        let third = access.openSession()
        #expect(access.caller(authorization: nil, cookies: ["switchboard_session=\(first.id)"]) == .anonymous)
        #expect(access.caller(authorization: nil, cookies: ["switchboard_session=\(second.id)"]) == .session(second))
        #expect(access.caller(authorization: nil, cookies: ["switchboard_session=\(third.id)"]) == .session(third))
        let expiring = AdminAccess(token: nil, lifetime: .zero)
        let gone = expiring.openSession()
        #expect(expiring.caller(authorization: nil, cookies: ["switchboard_session=\(gone.id)"]) == .anonymous)
    }

    @Test("the page escapes its CSRF token and names no external asset")
    func page() {
        let html = StatusPage.html(nonce: "n0nce", csrfToken: "\"><script>")
        #expect(html.contains(#"<meta name="csrf-token" content="&quot;&gt;&lt;script&gt;">"#))
        #expect(html.contains(#"<script nonce="n0nce">"#) && html.contains(#"<style nonce="n0nce">"#))
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("src="))
        #expect(!html.contains("innerHTML") && !html.contains("insertAdjacentHTML") && !html.contains("outerHTML"))
        #expect(StatusPage.html(nonce: "n", csrfToken: nil).contains(#"data-mode="sign-in""#))
    }

    @Test("loopback host names")
    func loopbackNames() {
        for name in ["127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "::1", "[::1]"] { #expect(AdminServer.isLoopbackName(name), "\(name)") }
        for name in ["0.0.0.0", "10.0.0.1", "127.0.0.1.evil.example", "evil.example", "127.0.0.256", ""] { #expect(!AdminServer.isLoopbackName(name), "\(name)") }
    }
}
