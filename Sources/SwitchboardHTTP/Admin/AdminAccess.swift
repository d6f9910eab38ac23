import Synchronization
import SwitchboardCore

/// Who may use the admin listener, and the status page's sessions.
///
/// - With a token (`admin: { token: … }`) a request needs `Authorization: Bearer TOKEN` or the cookie of a session
///   the page opened by posting the token (`POST /-/session`). Without one, anyone who reaches the listener may read.
/// - Actions (POSTs) from a session also need its CSRF token in `X-CSRF-Token`: the cookie is sent by the browser on
///   its own, the CSRF token only by the page, so a form on another site cannot replay a dead letter. A bearer
///   caller needs none (a browser never adds that header by itself).
/// - Session ids and CSRF tokens are 256 random bits; tokens are compared in constant time. At most `maxSessions`
///   are kept (the oldest go first), each for `lifetime`.
public final class AdminAccess: Sendable {
    /// The name of the session cookie.
    public static let cookieName = "switchboard_session"
    /// The header carrying the CSRF token on actions.
    public static let csrfHeader = "X-CSRF-Token"

    /// A status page session.
    public struct Session: Sendable, Equatable {
        /// The cookie value.
        public var id: String
        /// The CSRF token the page sends with actions.
        public var csrfToken: String
    }

    /// What a request carries.
    public enum Caller: Sendable, Equatable {
        /// The configured token as `Authorization: Bearer`.
        case bearer
        /// A live session's cookie.
        case session(Session)
        /// Nothing valid, and no token is configured: reads are open, actions need a session.
        case anonymous
        /// Nothing valid, and a token is configured.
        case denied
    }

    private struct Stored {
        var session: Session
        var expires: ContinuousClock.Instant
    }

    private struct Sessions {
        var byID: [String: Stored] = [:]
        var order: [String] = []
    }

    private let token: [UInt8]?
    private let sessions = Mutex(Sessions())
    private let maxSessions: Int
    private let lifetime: Duration

    /// Makes the access rules; `token` nil leaves reads open.
    public init(token: String?, maxSessions: Int = 256, lifetime: Duration = .seconds(12 * 3600)) {
        self.token = token.map { Array($0.utf8) }
        self.maxSessions = max(1, maxSessions)
        self.lifetime = lifetime
    }

    /// Whether requests need the token (or a session opened with it).
    public var requiresToken: Bool { token != nil }

    /// Who is calling, from the request's `Authorization` and `Cookie` headers.
    public func caller(authorization: String?, cookies: [String]) -> Caller {
        if let token, let presented = Self.bearer(authorization), ConstantTime.equals(Array(presented.utf8), token) {
            return .bearer
        }
        if let id = Self.cookie(named: Self.cookieName, in: cookies), let session = session(id: id) {
            return .session(session)
        }
        return token == nil ? .anonymous : .denied
    }

    /// Whether `presented` is the configured token (constant time); false when none is configured.
    public func isToken(_ presented: String) -> Bool {
        guard let token else { return false }
        return ConstantTime.equals(Array(presented.utf8), token)
    }

    /// Whether an action may go ahead: a bearer caller, or a session whose CSRF token is `csrfToken`.
    public func mayAct(_ caller: Caller, csrfToken: String?) -> Bool {
        switch caller {
        case .bearer:
            return true
        case .session(let session):
            guard let csrfToken else { return false }
            return ConstantTime.equals(Array(csrfToken.utf8), Array(session.csrfToken.utf8))
        case .anonymous, .denied:
            return false
        }
    }

    /// Opens a session (the oldest is dropped when `maxSessions` are open).
    public func openSession() -> Session {
        let session = Session(id: Self.randomToken(), csrfToken: Self.randomToken())
        let now = ContinuousClock.now
        sessions.withLock { sessions in
            sessions.order.removeAll { id in
                guard let stored = sessions.byID[id], stored.expires > now else {
                    sessions.byID[id] = nil
                    return true
                }
                return false
            }
            while sessions.order.count >= maxSessions {
                sessions.byID[sessions.order.removeFirst()] = nil
            }
            sessions.byID[session.id] = Stored(session: session, expires: now + lifetime)
            sessions.order.append(session.id)
        }
        return session
    }

    /// The `Set-Cookie` value of a session: HttpOnly, SameSite=Strict, Path=/.
    public func cookie(for session: Session) -> String {
        "\(Self.cookieName)=\(session.id); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(lifetime.components.seconds)"
    }

    private func session(id: String) -> Session? {
        let now = ContinuousClock.now
        return sessions.withLock { sessions in
            guard let stored = sessions.byID[id] else { return nil }
            guard stored.expires > now else {
                sessions.byID[id] = nil
                sessions.order.removeAll { $0 == id }
                return nil
            }
            return stored.session
        }
    }

    /// The credentials of `Authorization: Bearer …` (the scheme in any case).
    static func bearer(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let credentials = parts[1].trimmed(of: " \t")
        return credentials.isEmpty ? nil : credentials
    }

    /// The value of a cookie in `Cookie` headers (`a=1; b=2`).
    static func cookie(named name: String, in headers: [String]) -> String? {
        for header in headers {
            for pair in header.split(separator: ";") {
                let trimmed = pair.trimmed(of: " \t")
                guard let equals = trimmed.firstIndex(of: "=") else { continue }
                if trimmed[..<equals] == name {
                    return String(trimmed[trimmed.index(after: equals)...])
                }
            }
        }
        return nil
    }

    /// 256 random bits as 64 hexadecimal digits.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        var text = ""
        text.reserveCapacity(64)
        for _ in 0..<4 {
            let word = generator.next() as UInt64
            let hex = String(word, radix: 16)
            text += String(repeating: "0", count: 16 - hex.count) + hex
        }
        return text
    }
}

extension StringProtocol {
    /// The text without leading and trailing characters of `set` (spaces and tabs here), without Foundation.
    fileprivate func trimmed(of set: String) -> String {
        let drop: (Character) -> Bool = { set.contains($0) }
        guard let start = firstIndex(where: { !drop($0) }), let end = lastIndex(where: { !drop($0) }) else { return "" }
        return String(self[start...end])
    }
}
