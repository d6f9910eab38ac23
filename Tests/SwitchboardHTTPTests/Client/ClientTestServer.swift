import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// A real Hummingbird server on 127.0.0.1, port 0, that the client tests talk to.
///
/// Routes:
/// - `POST|PUT /echo?status=N[&discard=1]`: answers N (default 200) with the request body
///   (none with `discard`), its content type, and `x-echo-*` headers telling what the
///   server received.
/// - `GET /hello`: `hello`.
/// - `GET /redirect`: 302 to `/hello`.
/// - `GET /big?bytes=N[&chunked=1]`: N bytes, with or without a Content-Length.
/// - `POST /hold`: reports its arrival, then answers only once the gate opens.
struct ClientTestServer: Sendable {
    /// The port the server listens on.
    let port: Int
    /// Requests to `/hold` that have arrived, one element each.
    let holdArrivals: AsyncStream<Void>
    /// Opening it lets every held request answer.
    let gate: ClientTestGate

    /// `http://127.0.0.1:<port><path>`.
    func url(_ path: String) -> String {
        "http://127.0.0.1:\(port)\(path)"
    }

    /// Waits until `count` more requests have reached `/hold`.
    func waitForHeldRequests(_ count: Int) async {
        var seen = 0
        for await _ in holdArrivals {
            seen += 1
            if seen == count { return }
        }
    }

    /// Runs `body` against a fresh server, then stops the server.
    static func with<T: Sendable>(_ body: @Sendable (ClientTestServer) async throws -> T) async throws -> T {
        let gate = ClientTestGate()
        let (arrivals, arrivalSink) = AsyncStream.makeStream(of: Void.self)
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "client-test-server")
        logger.logLevel = .error
        let app = Application(
            router: makeRouter(gate: gate, arrivals: arrivalSink),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portSink.yield(channel.localAddress?.port ?? 0)
                portSink.finish()
            },
            logger: logger
        )
        // Stopped gracefully: held handlers are released and finish before the server goes away.
        // (Cancelling a Hummingbird server with a handler still writing trips a NIO precondition.)
        let serviceGroup = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger)
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await serviceGroup.run()
            }
            var portIterator = ports.makeAsyncIterator()
            let port = await portIterator.next() ?? 0
            let server = ClientTestServer(port: port, holdArrivals: arrivals, gate: gate)
            let outcome: Result<T, any Error>
            do {
                outcome = .success(try await body(server))
            } catch {
                outcome = .failure(error)
            }
            gate.open()
            await serviceGroup.triggerGracefulShutdown()
            try await group.waitForAll()
            return try outcome.get()
        }
    }

    private static func makeRouter(gate: ClientTestGate, arrivals: AsyncStream<Void>.Continuation) -> Router<BasicRequestContext> {
        let router = Router()
        let echo: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 16 * 1024 * 1024)
            let status = request.uri.queryParameters.get("status", as: Int.self) ?? 200
            var headers = HTTPFields()
            let received = request.headers
            headers[.contentType] = received[.contentType] ?? "application/octet-stream"
            headers[.init("x-echo-content-type")!] = received[.contentType] ?? "none"
            headers[.init("x-echo-api-key")!] = received[.init("x-api-key")!] ?? "none"
            headers[.init("x-echo-expect")!] = received[.expect] ?? "none"
            headers[.init("x-echo-empty")!] = received[.init("x-empty")!].map { "[\($0)]" } ?? "absent"
            headers[.init("x-echo-method")!] = request.method.rawValue
            headers[.init("x-echo-length")!] = "\(body.readableBytes)"
            headers[.init("X-Custom-Header")!] = "Value With Caps"
            let discard = request.uri.queryParameters.get("discard") == "1"
            return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: discard ? ByteBuffer() : body))
        }
        router.post("echo", use: echo)
        router.put("echo", use: echo)
        router.get("hello") { _, _ in "hello" }
        router.get("redirect") { _, _ in
            Response(status: .found, headers: [.location: "/hello"], body: .init(byteBuffer: ByteBuffer(string: "moved")))
        }
        router.get("big") { request, _ in
            let count = request.uri.queryParameters.get("bytes", as: Int.self) ?? 0
            let buffer = ByteBuffer(repeating: UInt8(ascii: "x"), count: count)
            guard request.uri.queryParameters.get("chunked") == "1" else {
                return Response(status: .ok, body: .init(byteBuffer: buffer))
            }
            // No Content-Length: the client only learns the size while reading.
            return Response(status: .ok, body: .init { writer in
                try await writer.write(buffer)
                try await writer.finish(nil)
            })
        }
        router.post("hold") { _, _ in
            arrivals.yield()
            await gate.wait()
            return "released"
        }
        return router
    }
}

/// A one-way gate: tasks wait until it is opened, then pass forever after.
final class ClientTestGate: Sendable {
    private let state = Mutex<(isOpen: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    /// Suspends until the gate is open.
    func wait() async {
        await withCheckedContinuation { continuation in
            let passNow = state.withLock { state in
                if state.isOpen { return true }
                state.waiters.append(continuation)
                return false
            }
            if passNow { continuation.resume() }
        }
    }

    /// Opens the gate and lets every waiter through.
    func open() {
        let waiters = state.withLock { state in
            state.isOpen = true
            let waiters = state.waiters
            state.waiters = []
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
