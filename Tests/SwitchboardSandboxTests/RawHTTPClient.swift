import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One HTTP answer as read off the wire.
struct RawResponse: Sendable {
    /// The status code.
    let status: Int
    /// Header fields in the order received.
    let headers: [(name: String, value: String)]
    /// The body, as text.
    let body: String

    /// The first value of a header, matched case-insensitively.
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The `error_message` of a JSON error body, if there is one.
    var errorMessage: String? {
        guard let data = body.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            return nil
        }
        return object["error_message"] as? String
    }
}

/// Why a raw exchange failed.
struct RawHTTPError: Error, CustomStringConvertible {
    let description: String
}

/// A deliberately small HTTP/1.1 client over a plain loopback socket.
///
/// It sends exactly the bytes the test wrote (header spelling included, no added headers), asks the
/// server to close after answering, and tells apart "answered" from "closed without answering".
enum RawHTTPClient {
    /// What came back: an answer, or a connection closed with no answer at all.
    enum Outcome: Sendable {
        case answered(RawResponse)
        case closedWithoutAnswer
    }

    /// Sends one request to `127.0.0.1:port` and reads until the server closes the connection.
    static func exchange(
        port: Int,
        method: String,
        target: String,
        headers: [(String, String)] = [],
        body: [UInt8] = [],
        chunked: Bool = false
    ) async throws -> Outcome {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers {
            head += "\(name): \(value)\r\n"
        }
        var payload: [UInt8]
        if chunked {
            head += "Transfer-Encoding: chunked\r\n\r\n"
            payload = Array(head.utf8)
            if !body.isEmpty {
                payload += Array((String(body.count, radix: 16) + "\r\n").utf8) + body + Array("\r\n".utf8)
            }
            payload += Array("0\r\n\r\n".utf8)
        } else {
            if !body.isEmpty || method == "POST" || method == "PUT" {
                head += "Content-Length: \(body.count)\r\n"
            }
            head += "\r\n"
            payload = Array(head.utf8) + body
        }
        let bytes = payload
        let received = try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<[UInt8]?, any Error>) in
            // Blocking socket calls stay off the cooperative pool, on a thread of their own.
            let thread = Thread {
                continuation.resume(with: Result { try blockingExchange(port: port, bytes: bytes) })
            }
            thread.start()
        }
        guard let received, !received.isEmpty else {
            return .closedWithoutAnswer
        }
        return .answered(try parse(received))
    }

    /// Like ``exchange(port:method:target:headers:body:chunked:)`` but requires an answer.
    static func send(
        port: Int,
        method: String,
        target: String,
        headers: [(String, String)] = [],
        body: String = "",
        chunked: Bool = false
    ) async throws -> RawResponse {
        let outcome = try await exchange(
            port: port, method: method, target: target, headers: headers, body: Array(body.utf8), chunked: chunked)
        guard case .answered(let response) = outcome else {
            throw RawHTTPError(description: "the server closed the connection without answering \(method) \(target)")
        }
        return response
    }

    /// Returns every byte the server sent, or nil when the connection was reset before any arrived.
    private static func blockingExchange(port: Int, bytes: [UInt8]) throws -> [UInt8]? {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else {
            throw RawHTTPError(description: "socket() failed: errno \(errno)")
        }
        defer { close(descriptor) }

        // A safety net against a hung server, not a timing assertion.
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            throw RawHTTPError(description: "connect to 127.0.0.1:\(port) failed: errno \(errno)")
        }

        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { buffer in
                #if canImport(Glibc)
                Glibc.send(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
                #else
                Darwin.send(descriptor, buffer.baseAddress, buffer.count, 0)
                #endif
            }
            if written <= 0 {
                break  // the server stopped reading (it answered early or dropped us); read what it sent
            }
            offset += written
        }

        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received.append(contentsOf: chunk[0..<count])
            } else if count == 0 {
                return received
            } else if errno == ECONNRESET {
                return received.isEmpty ? nil : received
            } else if errno == EINTR {
                continue
            } else {
                throw RawHTTPError(description: "recv failed: errno \(errno)")
            }
        }
    }

    private static func parse(_ bytes: [UInt8]) throws -> RawResponse {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = firstRange(of: separator, in: bytes) else {
            throw RawHTTPError(description: "incomplete response head")
        }
        let head = String(decoding: bytes[..<end], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw RawHTTPError(description: "bad status line")
        }
        let headers: [(name: String, value: String)] = lines.compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var body = Array(bytes[(end + separator.count)...])
        let isChunked = headers.contains {
            $0.name.lowercased() == "transfer-encoding" && $0.value.lowercased().contains("chunked")
        }
        if isChunked {
            body = try dechunk(body)
        } else if let length = headers.first(where: { $0.name.lowercased() == "content-length" }).flatMap({ Int($0.value) }) {
            body = Array(body.prefix(length))
        }
        return RawResponse(status: status, headers: headers, body: String(decoding: body, as: UTF8.self))
    }

    private static func dechunk(_ bytes: [UInt8]) throws -> [UInt8] {
        var output: [UInt8] = []
        var position = 0
        let lineEnd: [UInt8] = Array("\r\n".utf8)
        while position < bytes.count {
            guard let sizeEnd = firstRange(of: lineEnd, in: Array(bytes[position...])) else {
                throw RawHTTPError(description: "bad chunk size line")
            }
            let sizeText = String(decoding: bytes[position..<(position + sizeEnd)], as: UTF8.self)
            guard let size = Int(sizeText.split(separator: ";")[0], radix: 16) else {
                throw RawHTTPError(description: "bad chunk size")
            }
            position += sizeEnd + 2
            if size == 0 {
                break
            }
            output += bytes[position..<min(position + size, bytes.count)]
            position += size + 2
        }
        return output
    }

    private static func firstRange(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }
}
