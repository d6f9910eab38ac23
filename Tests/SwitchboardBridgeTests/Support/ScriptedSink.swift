import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization
import SwitchboardCore

/// A real HTTP server on 127.0.0.1 standing in for the External Events API in delivery tests: it answers each
/// request from a script kept per external event id and records everything it received.
final class ScriptedSink: Sendable {
    struct Reply: Sendable {
        var status: Int
        var headers: [Header] = []
        var body: String = ""
        var delay: Duration = .zero
    }

    struct Received: Sendable {
        var eventID: String?
        var query: [Header]
        var headers: [Header]
        var body: [UInt8]
        var status: Int

        func header(_ name: String) -> String? { headers.first(named: name) }
        func queryValue(_ name: String) -> String? { query.first(exactly: name) }
        var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    private struct State {
        var scripts: [String: [Reply]] = [:]
        var defaultReply = Reply(status: 201)
        var arrivals = 0
        var received: [Received] = []
        var validKeys: Set<String>?
    }

    private let state = Mutex(State())
    private let task = Mutex<Task<Void, any Error>?>(nil)

    /// Starts listening on a free port; returns the base URL.
    func start() async throws -> String {
        let port = AsyncStream<Int>.makeStream()
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 16 << 20)
            let delay = self.state.withLock { state in
                state.arrivals += 1
                return state.defaultReply.delay
            }
            if delay > .zero { try? await Task.sleep(for: delay) }
            return self.answer(request, body: Array(buffer: body))
        }
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                port.continuation.yield(channel.localAddress?.port ?? 0)
                port.continuation.finish()
            }
        )
        task.withLock { $0 = Task { try await app.runService(gracefulShutdownSignals: []) } }
        var bound = 0
        for await value in port.stream { bound = value }
        return "http://127.0.0.1:\(bound)"
    }

    func stop() {
        task.withLock { $0?.cancel() }
    }

    /// Answers for one event id, in order; after the script runs out the default reply is used.
    func script(_ eventID: String, _ replies: [Reply]) {
        state.withLock { $0.scripts[eventID] = replies }
    }

    /// The reply used when no script applies.
    func setDefault(_ reply: Reply) {
        state.withLock { $0.defaultReply = reply }
    }

    /// Only these keys are accepted (others get 401); nil accepts any key.
    func setValidKeys(_ keys: Set<String>?) {
        state.withLock { $0.validKeys = keys }
    }

    var received: [Received] { state.withLock { $0.received } }

    /// Requests answered 2xx, in arrival order.
    var accepted: [Received] { received.filter { (200..<300).contains($0.status) } }

    /// Waits (real time, bounded) until `count` requests were answered 2xx.
    func waitForAccepted(_ count: Int, seconds: Double = 20) async -> Bool {
        await waitUntil(seconds: seconds) { self.accepted.count >= count }
    }

    /// Waits until `count` requests arrived (any status).
    /// Waits (real time, bounded) until `count` requests arrived, answered or not yet (a delayed reply).
    func waitForArrivals(_ count: Int, seconds: Double = 20) async -> Bool {
        await waitUntil(seconds: seconds) { self.state.withLock { $0.arrivals } >= count }
    }

    func waitForRequests(_ count: Int, seconds: Double = 20) async -> Bool {
        await waitUntil(seconds: seconds) { self.received.count >= count }
    }

    private func answer(_ request: Request, body: [UInt8]) -> Response {
        var headers: [Header] = []
        for field in request.headers { headers.append(Header(field.name.canonicalName, field.value)) }
        let query = request.uri.query.map { FormBody.parse(Substring($0)) } ?? []
        let eventID = Self.eventID(query: query, headers: headers, body: body)
        let reply = state.withLock { state -> Reply in
            if let valid = state.validKeys, !valid.contains(headers.first(named: "x-api-key") ?? "") {
                let refused = Reply(status: 401, body: #"{"error_message":"Invalid API key"}"#)
                state.received.append(Received(eventID: eventID, query: query, headers: headers, body: body, status: refused.status))
                return refused
            }
            var reply = state.defaultReply
            if let eventID, var script = state.scripts[eventID], !script.isEmpty {
                reply = script.removeFirst()
                state.scripts[eventID] = script
            }
            state.received.append(Received(eventID: eventID, query: query, headers: headers, body: body, status: reply.status))
            return reply
        }
        var response = Response(status: .init(code: reply.status), body: .init(byteBuffer: ByteBuffer(string: reply.body)))
        for header in reply.headers {
            if let name = HTTPField.Name(header.name) { response.headers[name] = header.value }
        }
        response.headers[HTTPField.Name("X-PolyAI-Correlation-Id")!] = "corr-\(UUID().uuidString.prefix(8))"
        return response
    }

    /// Reads the id where the query parameters say it is.
    static func eventID(query: [Header], headers: [Header], body: [UInt8]) -> String? {
        guard let location = query.first(exactly: "event_id_location"), let path = query.first(exactly: "event_id_path") else { return nil }
        switch location {
        case "headers": return headers.first(named: path)
        case "querystring": return query.first(exactly: path)
        case "payload":
            if let document = try? JSONBody.parse(body) { return JSONBody.string(at: path, in: document) }
            return FormBody.parse(body).first(exactly: path)
        default: return nil
        }
    }
}

/// Polls `condition` every 5 ms for at most `seconds` of real time.
func waitUntil(seconds: Double, _ condition: @Sendable () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return condition()
}
