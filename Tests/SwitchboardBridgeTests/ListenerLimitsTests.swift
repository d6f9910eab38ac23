import Foundation
import Testing
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardBridge

/// The listener's limits, tried with the real `curl` binary and raw sockets against the running listener.
@Suite("Listener limits: headers, query, form, depth, slow clients")
struct ListenerLimitsTests {
    static func bridge(_ sink: ScriptedSink, webhook: String) async throws -> TestBridge {
        let base = try await sink.start()
        let yaml = TestBridge.yaml(endpoint: base, journal: temporaryDirectory())
            .replacingOccurrences(of: "webhook: { max_body: 1MiB }", with: "webhook: \(webhook)")
        return try TestBridge(yaml: yaml, directory: temporaryDirectory())
    }

    @Test("too many headers or too many header bytes get 431; too many query parameters, form fields or too deep JSON get 400; nothing is journalled")
    func limits() async throws {
        let sink = ScriptedSink()
        defer { sink.stop() }
        let bridge = try await Self.bridge(sink, webhook: "{ max_headers: 20, max_header_bytes: 2KiB, max_query_params: 5, max_form_fields: 10, max_depth: 8 }")
        let url = await bridge.webhookURL + "/hooks/bookings"
        let json = [("Content-Type", "application/json")]
        let ok = #"{"cid":"EXT-L1"}"#

        let manyHeaders = json + (1...30).map { ("X-Extra-\($0)", "v") }
        let refusedHeaders = try await curl(url, body: ok, headers: manyHeaders)
        #expect(refusedHeaders.status == 431)
        #expect(refusedHeaders.body.contains("more than 20 header fields"))
        #expect(try await curl(url, body: ok, headers: json + [("X-Big", String(repeating: "b", count: 3000))]).status == 431)

        let refusedQuery = try await curl(url + "?" + (1...6).map { "p\($0)=1" }.joined(separator: "&"), body: ok, headers: json)
        #expect(refusedQuery.status == 400)
        #expect(refusedQuery.body.contains("more than 5 query parameters"))

        let form = (1...11).map { "f\($0)=x" }.joined(separator: "&")
        #expect(try await curl(url, body: form, headers: [("Content-Type", "application/x-www-form-urlencoded")]).status == 400)

        let deep = String(repeating: "[", count: 9) + String(repeating: "]", count: 9)
        let refusedDeep = try await curl(url, body: deep, headers: json)
        #expect(refusedDeep.status == 400)
        #expect(refusedDeep.body.contains("deeper than 8 levels"))
        #expect(bridge.bridge.journal.depth == 0)

        // Within every limit the same listener takes the event.
        #expect(try await curl(url + "?a=1", body: ok, headers: json + [("X-One", "1")]).status == 202)
        #expect(await sink.waitForAccepted(1))
        await bridge.stop()
    }

    @Test("a client that sends its request too slowly is disconnected after read_timeout; others are still served")
    func slowClient() async throws {
        let sink = ScriptedSink()
        defer { sink.stop() }
        let bridge = try await Self.bridge(sink, webhook: "{ read_timeout: 300ms }")
        let port = await bridge.bridge.webhook.port.value()
        let socket = try RawSocket(port: port)
        try socket.send("POST /hooks/bookings HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n")
        // The request never ends: the listener must close the connection by itself.
        #expect(socket.waitForClose(seconds: 10))
        // A complete head whose body never finishes: the responder is already reading it when the deadline passes.
        let trickle = try RawSocket(port: port)
        try trickle.send("POST /hooks/bookings HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"cid\":")
        #expect(trickle.waitForClose(seconds: 10))
        let chunked = try RawSocket(port: port)
        try chunked.send("POST /hooks/bookings HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"cid\r\n")
        #expect(chunked.waitForClose(seconds: 10))
        #expect(bridge.bridge.journal.depth == 0)
        let url = await bridge.webhookURL + "/hooks/bookings"
        #expect(try await curl(url, body: #"{"cid":"EXT-SLOW"}"#, headers: [("Content-Type", "application/json")]).status == 202)
        await bridge.stop()
    }

    @Test("slow-loris clients holding every one of max_connections cannot keep a real client out past read_timeout")
    func connectionLimit() async throws {
        let sink = ScriptedSink()
        defer { sink.stop() }
        let bridge = try await Self.bridge(sink, webhook: "{ read_timeout: 500ms, max_connections: 3 }")
        let port = await bridge.bridge.webhook.port.value()
        // Three clients take every connection and send half a request each, never finishing it.
        var loris: [RawSocket] = []
        for _ in 0..<3 {
            let socket = try RawSocket(port: port)
            try socket.send("POST /hooks/bookings HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            loris.append(socket)
        }
        let url = await bridge.webhookURL + "/hooks/bookings"
        let reply = try await curl(url, body: #"{"cid":"EXT-LORIS"}"#, headers: [("Content-Type", "application/json")])
        #expect(reply.status == 202)
        for socket in loris { #expect(socket.waitForClose(seconds: 10)) }
        #expect(await sink.waitForAccepted(1))
        await bridge.stop()
    }

    @Test("an idle keep-alive connection is closed after read_timeout once its answer is written")
    func idleConnection() async throws {
        let sink = ScriptedSink()
        defer { sink.stop() }
        let bridge = try await Self.bridge(sink, webhook: "{ read_timeout: 300ms }")
        let port = await bridge.bridge.webhook.port.value()
        let socket = try RawSocket(port: port)
        let body = #"{"cid":"EXT-IDLE"}"#
        try socket.send("POST /hooks/bookings HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        let reply = socket.receive(seconds: 10)
        #expect(reply.hasPrefix("HTTP/1.1 202"))
        #expect(socket.waitForClose(seconds: 10))
        await bridge.stop()
    }
}

/// A blocking TCP client socket on 127.0.0.1, for requests no HTTP client library would send.
final class RawSocket {
    private let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(descriptor)
            throw TestFailure("could not connect to 127.0.0.1:\(port)")
        }
    }

    deinit {
        close(descriptor)
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count else { throw TestFailure("short write") }
    }

    /// What arrives within `seconds` (until the peer pauses after sending something).
    func receive(seconds: Double) -> String {
        var received: [UInt8] = []
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, received.isEmpty ? 100 : 50) > 0 else {
                if received.isEmpty { continue } else { break }
            }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = read(descriptor, &buffer, buffer.count)
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// Whether the peer closes the connection within `seconds` (reads drain whatever else arrives).
    func waitForClose(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            if read(descriptor, &buffer, buffer.count) <= 0 { return true }
        }
        return false
    }
}

@Suite("Credentials are never stored at rest")
struct CredentialsAtRestTests {
    @Test("Authorization, Proxy-Authorization and Cookie reach neither the journal nor a dead letter, nor the database files")
    func credentialsDropped() async throws {
        let journal = temporaryDirectory()
        // Nothing listens on the destination: the first event stays journalled.
        let bridge = try TestBridge(
            yaml: TestBridge.yaml(endpoint: "http://127.0.0.1:9", journal: journal, retry: "{ max_attempts: 100, base: 1s, cap: 5s, deadline: 55m }"),
            directory: temporaryDirectory()
        )
        let url = await bridge.webhookURL + "/hooks/bookings"
        let secrets = [("Authorization", "Bearer tok-AUTH-1234567"), ("Proxy-Authorization", "Basic cHJveHktU0VDUkVU"), ("Cookie", "session=COOKIE-7654321")]
        let headers = [("Content-Type", "application/json"), ("X-Request-Id", "req-1")] + secrets
        #expect(try await curl(url, body: #"{"cid":"EXT-REST"}"#, headers: headers).status == 202)
        #expect(try await curl(url, body: #"{"no":"id"}"#, headers: headers).status == 202)
        #expect(await waitUntil(seconds: 10) { ((try? bridge.bridge.journal.deadLetterCount()) ?? 0) == 1 })

        let pending = try #require(try bridge.bridge.journal.pendingEntries().first)
        let stored = try #require(InboundEventCodec.decode(route: pending.route, metadata: pending.metadata, body: pending.body, receivedAtMillis: 0))
        let names = Set(stored.headers.map { $0.name.lowercased() })
        #expect(names.contains("x-request-id"))
        #expect(names.isDisjoint(with: ["authorization", "proxy-authorization", "cookie"]))
        let letter = try #require(try bridge.bridge.journal.deadLetters(limit: 1, integration: nil).first)
        let dead = try #require(InboundEventCodec.decode(route: letter.route, metadata: letter.metadata, body: letter.body, receivedAtMillis: 0))
        #expect(Set(dead.headers.map { $0.name.lowercased() }).isDisjoint(with: ["authorization", "proxy-authorization", "cookie"]))

        let files = try FileManager.default.contentsOfDirectory(atPath: journal).map { journal + "/" + $0 }
        for file in files {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            for needle in ["tok-AUTH-1234567", "cHJveHktU0VDUkVU", "COOKIE-7654321"] {
                #expect(bytes.range(of: Data(needle.utf8)) == nil, "\(needle) found in \(file)")
            }
        }
        await bridge.stop()
    }
}
