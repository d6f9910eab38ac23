#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SwitchboardCore

/// A blocking HTTP/1.1 reader of the admin listener's `GET /-/tap` stream over a plain TCP socket: writes the
/// request, reads the response head, then hands each `data:` line of the server-sent events to the caller,
/// undoing chunked transfer encoding on the way. The admin listener speaks plain HTTP (it is meant for loopback or
/// a private network), so no TLS.
final class TapConnection {
    /// Why the stream could not be opened or read.
    struct Failure: Error {
        /// What went wrong, for the terminal.
        var message: String
        /// The HTTP status, when the listener answered.
        var status: Int?
    }

    private let socket: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    /// Longest line or response head accepted.
    private static let maxLine = 1 << 20

    /// Connects to `address` (within `timeout` seconds) and sends `GET target` with `token` as a bearer token.
    init(address: HostPort, target: String, token: String?, timeout: Int = 10) throws(Failure) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(address.host, String(address.port), &hints, &list)
        guard resolved == 0, let first = list else {
            throw Failure(message: "cannot resolve \(address.host): \(String(cString: gai_strerror(resolved)))")
        }
        defer { freeaddrinfo(list) }
        var connected: Int32 = -1
        var lastError: Int32 = 0
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate, connected < 0 {
            let fd = openSocket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd >= 0 {
                // Bounds the connect (Linux applies the send timeout to it) and every write.
                var limit = timeval(tv_sec: timeout, tv_usec: 0)
                _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
                if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                    connected = fd
                } else {
                    lastError = errno
                    close(fd)
                }
            } else {
                lastError = errno
            }
            candidate = info.pointee.ai_next
        }
        guard connected >= 0 else {
            throw Failure(message: "cannot reach the admin listener at \(address): \(String(cString: strerror(lastError)))")
        }
        socket = connected
        var request = "GET \(target) HTTP/1.1\r\nHost: \(address)\r\nAccept: text/event-stream\r\nConnection: close\r\n"
        if let token { request += "Authorization: Bearer \(token)\r\n" }
        request += "\r\n"
        try write(Array(request.utf8))
    }

    deinit {
        close(socket)
    }

    /// Reads the response head; throws for anything but `200` (`401` says the token is missing or wrong).
    /// Returns whether the body is chunked.
    func readHead() throws(Failure) -> Bool {
        guard let statusLine = try line() else { throw Failure(message: "the admin listener closed the connection without answering") }
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw Failure(message: "the admin listener did not answer HTTP: " + TextEscaping.quoted(statusLine))
        }
        var chunked = false
        while let header = try line(), !header.isEmpty {
            guard let colon = header.firstIndex(of: ":") else { continue }
            let name = header[..<colon].lowercased()
            let value = header[header.index(after: colon)...].lowercased()
            if name == "transfer-encoding", value.contains("chunked") { chunked = true }
        }
        switch status {
        case 200:
            return chunked
        case 401:
            throw Failure(message: "the admin listener refused the token (401): pass the admin.token of its configuration with --token", status: 401)
        case 404:
            throw Failure(message: "the admin listener has no /-/tap (404): is it an older switchboard?", status: 404)
        case 421:
            throw Failure(message: "the admin listener is on loopback: use a loopback address (127.0.0.1, localhost) in --admin", status: 421)
        default:
            throw Failure(message: "the admin listener answered \(status) to GET /-/tap", status: status)
        }
    }

    /// Calls `opened` once the listener says the tap is in place (its `: tap open` comment), then `each` with every
    /// `data:` payload until the stream ends (the listener stopped). Other comments (heartbeats) are skipped.
    func readEvents(chunked: Bool, opened: () -> Void, _ each: (String) -> Void) throws(Failure) {
        var pending: [UInt8] = []
        var open = false
        func feed(_ bytes: ArraySlice<UInt8>) {
            pending.append(contentsOf: bytes)
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var lineBytes = pending[..<newline]
                if lineBytes.last == UInt8(ascii: "\r") { lineBytes = lineBytes.dropLast() }
                let text = String(decoding: lineBytes, as: UTF8.self)
                pending.removeSubrange(...newline)
                if !open, text == ": tap open" {
                    open = true
                    opened()
                } else if text.hasPrefix("data:") {
                    let payload = text.dropFirst(5)
                    each(String(payload.hasPrefix(" ") ? payload.dropFirst() : payload))
                }
            }
            if pending.count > Self.maxLine { pending.removeAll() }
        }
        if !chunked {
            while let bytes = try chunk(atMost: 64 * 1024) { feed(bytes) }
            return
        }
        while true {
            guard let sizeLine = try line() else { return }
            let digits = sizeLine.prefix { $0.isHexDigit }
            guard !digits.isEmpty, digits.count <= 15, let size = Int(digits, radix: 16) else {
                throw Failure(message: "the stream is malformed (bad chunk size " + TextEscaping.quoted(sizeLine) + ")")
            }
            if size == 0 { return }
            var left = size
            while left > 0 {
                guard let bytes = try chunk(atMost: left) else { return }
                left -= bytes.count
                feed(bytes)
            }
            _ = try line()
        }
    }

    // MARK: - Bytes

    private func write(_ bytes: [UInt8]) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 {
                if errno == EINTR { continue }
                throw Failure(message: "cannot send the request: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// Reads more bytes into the buffer; false at the end of the stream.
    private func fill() throws(Failure) -> Bool {
        if start > 0 {
            // What was read is dropped, so a long stream never grows the buffer.
            buffer.removeSubrange(..<start)
            start = 0
        }
        var scratch = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = scratch.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffer.append(contentsOf: scratch[..<count])
                return true
            }
            if count == 0 { return false }
            if errno == EINTR { continue }
            throw Failure(message: "the stream broke: \(String(cString: strerror(errno)))")
        }
    }

    /// One CRLF- (or LF-) terminated line without its terminator; nil at the end of the stream.
    private func line() throws(Failure) -> String? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = newline
                if end > start, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let text = String(decoding: buffer[start..<end], as: UTF8.self)
                start = newline + 1
                return text
            }
            guard buffer.count - start < Self.maxLine else { throw Failure(message: "the admin listener sent a line over 1 MiB") }
            guard try fill() else { return nil }
        }
    }

    /// Up to `limit` bytes (at least one); nil at the end of the stream.
    private func chunk(atMost limit: Int) throws(Failure) -> ArraySlice<UInt8>? {
        if start == buffer.count {
            guard try fill() else { return nil }
        }
        let end = min(buffer.count, start + limit)
        let bytes = buffer[start..<end]
        start = end
        return bytes
    }
}

/// `socket(2)`, under a name apart from the stored property.
private func openSocket(_ domain: Int32, _ type: Int32, _ proto: Int32) -> Int32 {
    socket(domain, type, proto)
}
