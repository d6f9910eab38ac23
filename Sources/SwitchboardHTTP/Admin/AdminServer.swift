import Foundation
import Hummingbird
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle
import SwitchboardCore

/// The admin listener: `/healthz`, `/readyz`, `/metrics` (Prometheus text) and the status page.
///
/// `GET /-/tap` streams events as they pass (``AdminTapStream``, for `switchboard tap`).
/// `POST /-/reload` reloads the configuration file (`200` applied, `422` rejected, with the errors).
/// The status page is `/` (HTML, polling `GET /-/status`); its actions are `POST /-/dead-letters/{id}/replay`, and
/// `POST /-/session` opens a session with the token. With `admin.token` set, everything but `/healthz`, `/readyz`
/// and `/metrics` needs `Authorization: Bearer TOKEN` or the session cookie; actions from a session need its CSRF
/// token as well (see ``AdminAccess``).
public struct AdminServer: Service {
    /// The bound port.
    public let port = ListeningPort()
    private let host: String
    private let requestedPort: Int
    private let registry: PrometheusCollectorRegistry
    private let readiness: any AdminStatus
    private let access: AdminAccess
    private let tap: EventTap
    private let logger: Logger

    /// Makes the admin listener; `token` (from `admin.token`) guards everything but health, readiness and metrics.
    public init(
        host: String, port: Int, token: String? = nil, registry: PrometheusCollectorRegistry, readiness: any AdminStatus,
        tap: EventTap = EventTap(), logger: Logger
    ) {
        self.tap = tap
        self.host = host
        self.requestedPort = port
        self.registry = registry
        self.readiness = readiness
        self.access = AdminAccess(token: token)
        self.logger = logger
    }

    public func run() async throws {
        let router = Hummingbird.Router()
        let registry = self.registry
        let readiness = self.readiness
        let access = self.access
        let logger = self.logger
        router.get("healthz") { _, _ in
            Self.text(.ok, "ok\n", type: "text/plain")
        }
        router.get("readyz") { _, _ in
            let report = readiness.report()
            return Self.text(report.ready ? .ok : .serviceUnavailable, report.json, type: "application/json")
        }
        router.get("metrics") { _, _ in
            readiness.refreshGauges()
            var bytes: [UInt8] = []
            bytes.reserveCapacity(16 * 1024)
            registry.emit(into: &bytes)
            var response = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            response.headers[.contentType] = "text/plain; version=0.0.4"
            return response
        }
        let loopbackOnly = Self.isLoopbackName(host)
        router.get("/") { request, _ in
            guard !loopbackOnly || Self.namesLoopback(request) else { return Self.wrongHost() }
            return Self.page(for: access.caller(request), access: access)
        }
        router.get("/-/status") { request, _ in
            guard !loopbackOnly || Self.namesLoopback(request) else { return Self.wrongHost() }
            guard access.caller(request) != .denied else { return Self.unauthorized() }
            var response = Self.text(.ok, await readiness.status(), type: "application/json")
            response.headers[.cacheControl] = "no-store"
            return response
        }
        let tap = self.tap
        router.get("/-/tap") { request, _ in
            guard !loopbackOnly || Self.namesLoopback(request) else { return Self.wrongHost() }
            guard access.caller(request) != .denied else { return Self.unauthorized() }
            return AdminTapStream.response(tap: tap, filter: AdminTapStream.filter(request))
        }
        router.post("/-/session") { request, _ in
            guard !loopbackOnly || Self.namesLoopback(request) else { return Self.wrongHost() }
            guard Self.isSameOrigin(request) else { return Self.json(.forbidden, #"{"error":"cross-site request refused"}"#) }
            var request = request
            let body = try? await request.collectBody(upTo: 16 * 1024)
            let presented = body.flatMap { try? JSONDecoder().decode(SignIn.self, from: Data(String(buffer: $0).utf8)) }?.token
            guard access.requiresToken else {
                return Self.signedIn(access.openSession(), access: access)
            }
            guard let presented, access.isToken(presented) else {
                logger.warning("status page sign-in refused: wrong token")
                try? await Task.sleep(for: .milliseconds(250))
                return Self.unauthorized()
            }
            return Self.signedIn(access.openSession(), access: access)
        }
        router.post("/-/dead-letters/:id/replay") { request, context in
            guard !loopbackOnly || Self.namesLoopback(request) else { return Self.wrongHost() }
            let caller = access.caller(request)
            guard caller != .denied else { return Self.unauthorized() }
            guard Self.isSameOrigin(request), access.mayAct(caller, csrfToken: request.headers[.init(AdminAccess.csrfHeader)!]) else {
                return Self.json(.forbidden, #"{"result":"refused","message":"missing or wrong CSRF token: reload the page"}"#)
            }
            guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
                return Self.json(.badRequest, #"{"result":"refused","message":"a dead letter id is a positive number"}"#)
            }
            let (status, json) = await readiness.replayDeadLetter(id: id)
            return Self.json(HTTPResponse.Status(code: status), json)
        }
        router.post("/-/reload") { request, _ in
            guard !loopbackOnly || Self.namesLoopback(request) else { return Self.wrongHost() }
            let caller = access.caller(request)
            guard caller != .denied else { return Self.unauthorized() }
            // A browser on another site cannot make this request; a page session needs its CSRF token as well.
            guard Self.isSameOrigin(request) else { return Self.json(.forbidden, #"{"result":"refused","message":"cross-site request refused"}"#) }
            if case .session = caller, !access.mayAct(caller, csrfToken: request.headers[.init(AdminAccess.csrfHeader)!]) {
                return Self.json(.forbidden, #"{"result":"refused","message":"missing or wrong CSRF token: reload the page"}"#)
            }
            let (status, json) = await readiness.reload()
            return Self.json(HTTPResponse.Status(code: status), json)
        }
        let port = self.port
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: requestedPort), serverName: "switchboard-admin"),
            onServerRunning: { port.bound($0) },
            logger: logger
        )
        // Open tap streams end on shutdown, so they never hold the listener open.
        try await withGracefulShutdownHandler { try await app.run() } onGracefulShutdown: { tap.close() }
    }

    /// The body of `POST /-/session`.
    private struct SignIn: Decodable {
        var token: String
    }

    /// The status page: for a session its own CSRF token; for a bearer or anonymous caller a new session (cookie
    /// set); for a caller without the configured token the sign-in form.
    private static func page(for caller: AdminAccess.Caller, access: AdminAccess) -> Response {
        let nonce = AdminAccess.randomToken()
        let session: AdminAccess.Session?
        var cookie: String?
        switch caller {
        case .session(let existing):
            session = existing
        case .bearer, .anonymous:
            let opened = access.openSession()
            session = opened
            cookie = access.cookie(for: opened)
        case .denied:
            session = nil
        }
        var response = text(session == nil ? .unauthorized : .ok, StatusPage.html(nonce: nonce, csrfToken: session?.csrfToken), type: "text/html; charset=utf-8")
        if let cookie { response.headers[.setCookie] = cookie }
        response.headers[.cacheControl] = "no-store"
        response.headers[.contentSecurityPolicy] = "default-src 'none'; script-src 'nonce-\(nonce)'; style-src 'nonce-\(nonce)'; "
            + "connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        response.headers[.init("X-Frame-Options")!] = "DENY"
        response.headers[.init("Referrer-Policy")!] = "no-referrer"
        return response
    }

    private static func signedIn(_ session: AdminAccess.Session, access: AdminAccess) -> Response {
        var response = json(.ok, #"{"csrf_token":""# + session.csrfToken + #""}"#)
        response.headers[.setCookie] = access.cookie(for: session)
        return response
    }

    /// False for a request a browser marks as coming from another site, or whose `Origin` names another host.
    static func isSameOrigin(_ request: Request) -> Bool {
        if let site = request.headers[.init("Sec-Fetch-Site")!], site != "same-origin", site != "none" {
            return false
        }
        guard let origin = request.headers[.origin] else { return true }
        let host = request.head.authority ?? ""
        guard let separator = origin.range(of: "://") else { return false }
        return !host.isEmpty && origin[separator.upperBound...] == host[...]
    }

    /// Whether a host name is a loopback one: `localhost`, `::1`, `127.x.y.z`.
    static func isLoopbackName(_ host: String) -> Bool {
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if name.lowercased() == "localhost" || name == "::1" { return true }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// Whether the request's `Host` names a loopback address. A listener on loopback answers the page and its
    /// actions only under such a name, so a web page whose own name resolves to 127.0.0.1 (DNS rebinding) cannot
    /// read the status or replay dead letters.
    static func namesLoopback(_ request: Request) -> Bool {
        let authority = request.head.authority ?? ""
        var host = Substring(authority)
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            host = host[...close]
        } else if let colon = host.lastIndex(of: ":") {
            host = host[..<colon]
        }
        return isLoopbackName(String(host))
    }

    private static func wrongHost() -> Response {
        json(.misdirectedRequest, #"{"error":"this admin listener is on loopback: use a loopback name (127.0.0.1, localhost) in the address"}"#)
    }

    private static func unauthorized() -> Response {
        var response = json(.unauthorized, #"{"error":"this admin listener needs its token: Authorization: Bearer TOKEN"}"#)
        response.headers[.wwwAuthenticate] = #"Bearer realm="switchboard-admin""#
        return response
    }

    static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        var response = Self.text(status, text.hasSuffix("\n") ? text : text + "\n", type: "application/json")
        response.headers[.cacheControl] = "no-store"
        return response
    }

    static func text(_ status: HTTPResponse.Status, _ text: String, type: String) -> Response {
        var response = Response(status: status, body: .init(byteBuffer: ByteBuffer(string: text)))
        response.headers[.contentType] = type
        response.headers[.xContentTypeOptions] = "nosniff"
        return response
    }
}

extension AdminAccess {
    /// Who sent `request`.
    func caller(_ request: Request) -> Caller {
        caller(authorization: request.headers[.authorization], cookies: request.headers[values: .cookie])
    }
}
