internal import CCurl

/// One request in flight on the transport thread: its easy handle, what has arrived so far,
/// and the continuation of the task waiting for it.
///
/// libcurl's callbacks find the transfer through the opaque pointer given with
/// CURLOPT_WRITEDATA/HEADERDATA/PRIVATE; the transport's table of active transfers
/// keeps it alive until the transfer is removed from the multi handle.
final class CurlTransfer {
    /// What the waiting task receives.
    typealias Continuation = UnsafeContinuation<Result<HTTPClientResponse, HTTPClientError>, Never>

    /// The id shared with the inbox and the waiting task.
    let id: UInt64
    /// Resumed exactly once, by the transport thread.
    let continuation: Continuation
    /// The easy handle carrying this transfer.
    let easy: CurlEasyHandle
    /// The response body cap; a larger body aborts the transfer.
    let maxBodyBytes: Int
    /// The request header list given to CURLOPT_HTTPHEADER; freed after the transfer.
    var headerList: UnsafeMutablePointer<curl_slist>?

    private var body: [UInt8] = []
    private var headers: [HTTPHeader] = []
    private var headerBytes = 0
    /// Set when the body or headers passed their cap, so a write error reads as "too large".
    private(set) var exceededLimit = false

    /// The most header bytes accepted for one response, interim responses included.
    static let maxHeaderBytes = 128 * 1024

    /// Creates the transfer record; `configure` then sets the handle up.
    init(id: UInt64, continuation: Continuation, easy: CurlEasyHandle, maxBodyBytes: Int) {
        self.id = id
        self.continuation = continuation
        self.easy = easy
        self.maxBodyBytes = maxBodyBytes
    }

    /// The pointer libcurl hands back to the callbacks.
    var opaqueSelf: UnsafeMutableRawPointer {
        Unmanaged.passUnretained(self).toOpaque()
    }

    /// Frees the request header list; call after the handle left the multi handle.
    func releaseHeaderList() {
        if let headerList {
            curl_slist_free_all(headerList)
            self.headerList = nil
        }
    }

    // MARK: Receiving

    /// Appends body bytes; returns fewer than given (aborting the transfer) past the cap.
    func receiveBody(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard body.count + bytes.count <= maxBodyBytes else {
            exceededLimit = true
            return 0
        }
        body.append(contentsOf: bytes)
        return bytes.count
    }

    /// Takes one raw header line (CRLF included), as libcurl delivers them.
    func receiveHeaderLine(_ line: UnsafeBufferPointer<UInt8>) -> Int {
        headerBytes += line.count
        guard headerBytes <= Self.maxHeaderBytes else {
            exceededLimit = true
            return 0
        }
        if Self.isStatusLine(line) {
            // A new response starts (after a 1xx interim one, say): keep only its headers.
            headers.removeAll(keepingCapacity: true)
            return line.count
        }
        let content = Self.trimmed(line[...])
        guard !content.isEmpty else { return line.count }
        if let first = line.first, first == .space || first == .tab, !headers.isEmpty {
            // An obsolete folded continuation of the previous header's value.
            headers[headers.count - 1].value += " " + String(decoding: content, as: UTF8.self)
            return line.count
        }
        guard let colon = content.firstIndex(of: .colon) else { return line.count }
        let name = Self.trimmed(content[..<colon])
        let value = Self.trimmed(content[(colon + 1)...])
        guard !name.isEmpty else { return line.count }
        headers.append(HTTPHeader(Self.lowercasedASCII(name), String(decoding: value, as: UTF8.self)))
        return line.count
    }

    // MARK: Outcome

    /// The response, or the error that stopped it, for libcurl's final result code.
    func outcome(for code: CURLcode) -> Result<HTTPClientResponse, HTTPClientError> {
        guard code == CURLE_OK else {
            return .failure(error(for: code))
        }
        var status = 0
        _ = switchboard_curl_easy_getinfo_long(easy.raw, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPClientResponse(status: status, headers: headers, body: body))
    }

    /// New connections this transfer had to open (0 when it reused a pooled one).
    var connectionsOpened: Int {
        var count = 0
        _ = switchboard_curl_easy_getinfo_long(easy.raw, CURLINFO_NUM_CONNECTS, &count)
        return count
    }

    private func error(for code: CURLcode) -> HTTPClientError {
        if exceededLimit || code == CURLE_FILESIZE_EXCEEDED {
            return HTTPClientError(
                kind: .responseTooLarge,
                message: "the response is larger than the limit of \(maxBodyBytes) body bytes"
                    + " (or \(Self.maxHeaderBytes) header bytes)"
            )
        }
        let kind: HTTPClientError.Kind
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            kind = .timeout
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_SSL_CONNECT_ERROR:
            kind = .connectFailed
        case CURLE_UNSUPPORTED_PROTOCOL:
            kind = .protocolNotAllowed
        default:
            kind = .other
        }
        let detail = easy.errorText ?? String(cString: curl_easy_strerror(code))
        return HTTPClientError(kind: kind, message: "\(detail) (curl error \(code.rawValue))")
    }

    // MARK: Byte helpers

    private static func isStatusLine(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        // "HTTP/" starts every status line, HTTP/1.x and HTTP/2 alike.
        line.count >= 5 && line[0] == 0x48 && line[1] == 0x54 && line[2] == 0x54 && line[3] == 0x50
            && line[4] == 0x2F
    }

    private static func trimmed(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Slice<UnsafeBufferPointer<UInt8>> {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, isWhitespace(bytes[start]) { start += 1 }
        while end > start, isWhitespace(bytes[end - 1]) { end -= 1 }
        return bytes[start..<end]
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == .space || byte == .tab || byte == .carriageReturn || byte == .lineFeed
    }

    private static func lowercasedASCII(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> String {
        String(unsafeUninitializedCapacity: bytes.count) { buffer in
            for (offset, byte) in bytes.enumerated() {
                buffer[offset] = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
            }
            return bytes.count
        }
    }
}

extension UInt8 {
    fileprivate static let space: UInt8 = 0x20
    fileprivate static let tab: UInt8 = 0x09
    fileprivate static let carriageReturn: UInt8 = 0x0D
    fileprivate static let lineFeed: UInt8 = 0x0A
    fileprivate static let colon: UInt8 = 0x3A
}
