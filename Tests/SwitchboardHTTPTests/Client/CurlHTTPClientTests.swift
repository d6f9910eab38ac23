import Foundation
import Logging
import SwitchboardHTTP
import Testing

@Suite("CurlHTTPClient against a real HTTP server", .timeLimit(.minutes(1)))
struct CurlHTTPClientTests {
    static let apiKey = "pk-test-5f1c9a2b7d3e4f60a8b9c0d1e2f3a4b5"

    static func makeClient(maxConnections: Int = 256, maxResponseBytes: Int = 64 * 1024) -> CurlHTTPClient {
        var logger = Logger(label: "curl-client-test")
        logger.logLevel = .warning
        return CurlHTTPClient(maxConnections: maxConnections, maxResponseBytes: maxResponseBytes, logger: logger)
    }

    /// Sends and returns the error the client threw, or nil if it returned a response.
    static func failure(
        of request: HTTPClientRequest,
        on client: CurlHTTPClient
    ) async -> HTTPClientError? {
        do {
            _ = try await client.send(request)
            return nil
        } catch {
            return error
        }
    }

    @Test("status, headers and a binary body arrive intact both ways, for every content type")
    func roundTrip() async throws {
        try await ClientTestServer.with { server in
            let client = Self.makeClient()
            defer { client.shutdown() }
            // Every byte value, several times over.
            let body = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            let contentTypes = [
                "application/json", "application/x-www-form-urlencoded", "application/xml",
                "text/plain; charset=utf-8", "application/octet-stream",
            ]
            for contentType in contentTypes {
                let response = try await client.send(HTTPClientRequest(
                    url: server.url("/echo?status=201"),
                    headers: [HTTPHeader("X-Api-Key", Self.apiKey), HTTPHeader("Content-Type", contentType)],
                    body: body
                ))
                #expect(response.status == 201)
                #expect(response.body == body)
                #expect(response.header("Content-Type") == contentType)
                #expect(response.header("x-echo-api-key") == Self.apiKey)
                #expect(response.header("x-echo-method") == "POST")
                #expect(response.header("X-CUSTOM-HEADER") == "Value With Caps", "values keep their case")
                #expect(response.headers.allSatisfy { $0.name == $0.name.lowercased() })
                #expect(response.headers.contains(HTTPHeader("x-custom-header", "Value With Caps")))
            }
        }
    }

    @Test("a body without a content type is not labelled as a form, and an empty header value is sent")
    func noInventedHeaders() async throws {
        try await ClientTestServer.with { server in
            let client = Self.makeClient()
            defer { client.shutdown() }
            let response = try await client.send(HTTPClientRequest(
                url: server.url("/echo"),
                headers: [HTTPHeader("X-Empty", "")],
                body: Array("plain bytes".utf8)
            ))
            #expect(response.status == 200)
            #expect(response.header("x-echo-content-type") == "none")
            #expect(response.header("x-echo-empty") == "[]")
            #expect(response.body == Array("plain bytes".utf8))
        }
    }

    @Test("a body over 1 MiB goes out at once, without an Expect: 100-continue round trip")
    func noExpectContinue() async throws {
        try await ClientTestServer.with { server in
            let client = Self.makeClient()
            defer { client.shutdown() }
            let body = [UInt8](repeating: UInt8(ascii: "z"), count: 1_100_000)
            let response = try await client.send(HTTPClientRequest(
                url: server.url("/echo?discard=1"),
                headers: [HTTPHeader("Content-Type", "text/plain")],
                body: body
            ))
            #expect(response.status == 200)
            #expect(response.header("x-echo-expect") == "none")
            #expect(response.header("x-echo-length") == "1100000")
        }
    }

    @Test("GET, PUT and an empty POST use the method asked for")
    func methods() async throws {
        try await ClientTestServer.with { server in
            let client = Self.makeClient()
            defer { client.shutdown() }
            let hello = try await client.send(HTTPClientRequest(url: server.url("/hello"), method: "GET"))
            #expect(hello.status == 200)
            #expect(String(decoding: hello.body, as: UTF8.self) == "hello")

            let put = try await client.send(HTTPClientRequest(
                url: server.url("/echo"), method: "PUT", body: Array("replaced".utf8)
            ))
            #expect(put.header("x-echo-method") == "PUT")
            #expect(put.body == Array("replaced".utf8))

            let emptyPost = try await client.send(HTTPClientRequest(url: server.url("/echo?status=202")))
            #expect(emptyPost.status == 202)
            #expect(emptyPost.header("x-echo-method") == "POST")
            #expect(emptyPost.body.isEmpty)
        }
    }

    @Test("200 sequential requests reuse kept-alive connections")
    func keepAlive() async throws {
        try await ClientTestServer.with { server in
            let client = Self.makeClient()
            defer { client.shutdown() }
            for index in 0..<200 {
                let response = try await client.send(HTTPClientRequest(
                    url: server.url("/echo"), body: Array("event \(index)".utf8)
                ))
                #expect(response.status == 200)
                #expect(response.body == Array("event \(index)".utf8))
            }
            #expect(client.connectionsOpened >= 1)
            #expect(client.connectionsOpened <= 3, "opened \(client.connectionsOpened) connections for 200 requests")
        }
    }

    @Test("500 concurrent requests all succeed, each with its own response")
    func concurrency() async throws {
        try await ClientTestServer.with { server in
            let client = Self.makeClient()
            defer { client.shutdown() }
            let matched = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<500 {
                    group.addTask {
                        let body = Array("{\"cid\":\"event-\(index)\"}".utf8)
                        let response = try await client.send(HTTPClientRequest(
                            url: server.url("/echo?status=201"),
                            headers: [HTTPHeader("Content-Type", "application/json")],
                            body: body
                        ))
                        return response.status == 201 && response.body == body
                    }
                }
                var matched = 0
                for try await ok in group where ok {
                    matched += 1
                }
                return matched
            }
            #expect(matched == 500)
            #expect(client.connectionsOpened <= 256, "never more connections than maxConnections")
        }
    }

    @Test("a server that answers later than the timeout fails the request with .timeout")
    func timeout() async throws {
        try await ClientTestServer.with { server in
            let client = Self.makeClient()
            defer { client.shutdown() }
            let error = await Self.failure(
                of: HTTPClientRequest(url: server.url("/hold"), timeout: .milliseconds(300)),
                on: client
            )
            #expect(error?.kind == .timeout)
        }
    }

    @Test("a closed port fails with .connectFailed, and the API key appears in no error text or log")
    func connectFailed() async throws {
        let port = try ClosedPort()
        defer { port.close() }
        let logs = ClientLogRecorder.Store()
        let client = CurlHTTPClient(logger: Logger(label: "curl-client-test") { _ in ClientLogRecorder(store: logs) })
        defer { client.shutdown() }
        let error = await Self.failure(
            of: HTTPClientRequest(
                url: "http://127.0.0.1:\(port.number)/v1/external-events/webhook",
                headers: [HTTPHeader("X-Api-Key", Self.apiKey)],
                body: Array("{}".utf8)
            ),
            on: client
        )
        let failure = try #require(error)
        #expect(failure.kind == .connectFailed)
        #expect(!failure.message.isEmpty)
        #expect(!failure.description.contains(Self.apiKey))
        #expect(!failure.message.contains(Self.apiKey))
        client.shutdown()  // the transport has logged all it will
        #expect(logs.records.contains { $0.contains("HTTP request failed") }, "the failure is logged at debug level")
        #expect(!logs.records.contains { $0.contains(Self.apiKey) })
    }

    @Test("a header value with a line break is refused before sending, without echoing the value")
    func headerInjection() async throws {
        try await ClientTestServer.with { server in
            let client = Self.makeClient()
            defer { client.shutdown() }
            let smuggled = Self.apiKey + "\r\nX-Injected: yes"
            let error = await Self.failure(
                of: HTTPClientRequest(url: server.url("/echo"), headers: [HTTPHeader("X-Api-Key", smuggled)]),
                on: client
            )
            let failure = try #require(error)
            #expect(failure.kind == .other)
            #expect(!failure.description.contains(Self.apiKey))
            // The client is still usable afterwards.
            let response = try await client.send(HTTPClientRequest(url: server.url("/hello"), method: "GET"))
            #expect(response.status == 200)
        }
    }

    @Test("a response body larger than the cap fails with .responseTooLarge; one at the cap succeeds")
    func responseCap() async throws {
        try await ClientTestServer.with { server in
            let client = Self.makeClient(maxResponseBytes: 1_000)
            defer { client.shutdown() }
            let atCap = try await client.send(HTTPClientRequest(url: server.url("/big?bytes=1000"), method: "GET"))
            #expect(atCap.status == 200)
            #expect(atCap.body.count == 1_000)

            let declared = await Self.failure(
                of: HTTPClientRequest(url: server.url("/big?bytes=1001"), method: "GET"), on: client
            )
            #expect(declared?.kind == .responseTooLarge, "Content-Length over the cap")

            let streamed = await Self.failure(
                of: HTTPClientRequest(url: server.url("/big?bytes=200000&chunked=1"), method: "GET"), on: client
            )
            #expect(streamed?.kind == .responseTooLarge, "chunked body growing past the cap")
        }
    }

    @Test("a 302 is returned as a 302, not followed")
    func redirectNotFollowed() async throws {
        try await ClientTestServer.with { server in
            let client = Self.makeClient()
            defer { client.shutdown() }
            let response = try await client.send(HTTPClientRequest(url: server.url("/redirect"), method: "GET"))
            #expect(response.status == 302)
            #expect(response.header("location") == "/hello")
            #expect(String(decoding: response.body, as: UTF8.self) == "moved")
        }
    }

    @Test("schemes other than http and https are refused with .protocolNotAllowed")
    func protocolNotAllowed() async throws {
        let client = Self.makeClient()
        defer { client.shutdown() }
        for url in ["file:///etc/hostname", "ftp://127.0.0.1:1/file", "gopher://127.0.0.1:1/"] {
            let error = await Self.failure(of: HTTPClientRequest(url: url, method: "GET"), on: client)
            #expect(error?.kind == .protocolNotAllowed, "\(url)")
        }
    }

    @Test("shutdown fails in-flight and queued requests with .shutdown, and later sends too")
    func shutdownFailsPending() async throws {
        try await ClientTestServer.with { server in
            // One connection: the first request reaches the server, the other two wait in the client.
            let client = Self.makeClient(maxConnections: 1)
            let pending = (0..<3).map { _ in
                Task { await Self.failure(of: HTTPClientRequest(url: server.url("/hold")), on: client) }
            }
            await server.waitForHeldRequests(1)
            client.shutdown()
            for task in pending {
                let error = await task.value
                #expect(error?.kind == .shutdown)
            }
            let later = await Self.failure(of: HTTPClientRequest(url: server.url("/hello"), method: "GET"), on: client)
            #expect(later?.kind == .shutdown)
            client.shutdown()  // idempotent
        }
    }

    @Test("cancelling the waiting task abandons the transfer and leaves the client working")
    func cancellation() async throws {
        try await ClientTestServer.with { server in
            let client = Self.makeClient()
            defer { client.shutdown() }
            let held = Task { await Self.failure(of: HTTPClientRequest(url: server.url("/hold")), on: client) }
            await server.waitForHeldRequests(1)
            held.cancel()
            let error = await held.value
            #expect(error?.kind == .other)
            #expect(error?.message.contains("cancelled") == true)

            let alreadyCancelled = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return await Self.failure(of: HTTPClientRequest(url: server.url("/hello"), method: "GET"), on: client)
            }
            #expect(await alreadyCancelled.value?.message.contains("cancelled") == true)

            let response = try await client.send(HTTPClientRequest(url: server.url("/hello"), method: "GET"))
            #expect(response.status == 200)
        }
    }
}
