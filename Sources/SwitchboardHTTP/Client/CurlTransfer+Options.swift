internal import CCurl

/// Settings that are the same for every request of one client.
struct CurlRequestDefaults: Sendable {
    /// A CA bundle path for TLS verification (from `CURL_CA_BUNDLE`), or libcurl's default.
    var caBundle: String?
    /// The configured proxy; nil means a direct connection whatever `http_proxy`/`https_proxy`/`ALL_PROXY` say.
    var proxy: String?
}

extension CurlTransfer {
    /// Sets every option of the easy handle for `request`; the handle must be fresh or recycled.
    ///
    /// Fails, without touching the network, on a method or header that would let one
    /// request smuggle another (line breaks, NUL bytes) and on an option libcurl refuses.
    /// Error messages name header positions, never header values (they carry API keys).
    func configure(_ request: HTTPClientRequest, defaults: CurlRequestDefaults) throws(HTTPClientError) {
        let raw = easy.raw
        try Self.check(request)

        try setString(CURLOPT_URL, request.url)
        try setPointer(CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(easy.errorBuffer))
        try setPointer(CURLOPT_PRIVATE, opaqueSelf)
        try setLong(CURLOPT_NOSIGNAL, 1)
        try setString(CURLOPT_PROTOCOLS_STR, "http,https")
        try setString(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        try setLong(CURLOPT_FOLLOWLOCATION, 0)
        try setLong(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS)
        try setLong(CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout))
        try setOffset(CURLOPT_MAXFILESIZE_LARGE, Int64(maxBodyBytes))
        // An empty CURLOPT_PROXY turns off libcurl's reading of the proxy environment variables.
        try setString(CURLOPT_PROXY, defaults.proxy ?? "")
        if let caBundle = defaults.caBundle {
            try setString(CURLOPT_CAINFO, caBundle)
        }

        try check(switchboard_curl_easy_setopt_write_callback(raw, CURLOPT_WRITEFUNCTION, curlReceiveBody), "WRITEFUNCTION")
        try setPointer(CURLOPT_WRITEDATA, opaqueSelf)
        try check(switchboard_curl_easy_setopt_write_callback(raw, CURLOPT_HEADERFUNCTION, curlReceiveHeader), "HEADERFUNCTION")
        try setPointer(CURLOPT_HEADERDATA, opaqueSelf)

        let sendsBody = try setMethod(request)
        try setHeaders(request.headers, sendsBody: sendsBody)
    }

    /// Chooses the method options; returns whether the body is sent.
    private func setMethod(_ request: HTTPClientRequest) throws(HTTPClientError) -> Bool {
        switch request.method {
        case "POST":
            try setBody(request.body)
            return true
        case "GET" where request.body.isEmpty:
            try setLong(CURLOPT_HTTPGET, 1)
            return false
        case "HEAD":
            try setLong(CURLOPT_NOBODY, 1)
            return false
        default:
            try setString(CURLOPT_CUSTOMREQUEST, request.method)
            let method = request.method
            guard !request.body.isEmpty || method == "PUT" || method == "PATCH" else { return false }
            try setBody(request.body)
            return true
        }
    }

    /// Points libcurl at a copy of the body that lives as long as the easy handle's current use.
    private func setBody(_ body: [UInt8]) throws(HTTPClientError) {
        try setOffset(CURLOPT_POSTFIELDSIZE_LARGE, Int64(body.count))
        try setPointer(CURLOPT_POSTFIELDS, easy.retainBody(body))
    }

    private func setHeaders(_ headers: [HTTPHeader], sendsBody: Bool) throws(HTTPClientError) {
        var hasExpect = false
        var hasContentType = false
        for header in headers {
            if Self.equalsIgnoringASCIICase(header.name, "expect") { hasExpect = true }
            if Self.equalsIgnoringASCIICase(header.name, "content-type") { hasContentType = true }
            // libcurl drops "Name:" with nothing after it; "Name;" is its way to send an empty value.
            try appendHeaderLine(header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)")
        }
        if !hasExpect {
            // No "Expect: 100-continue" round trip before bodies over 1 KiB.
            try appendHeaderLine("Expect:")
        }
        if sendsBody && !hasContentType {
            // libcurl would otherwise label every body as a form.
            try appendHeaderLine("Content-Type:")
        }
        try check(switchboard_curl_easy_setopt_slist(easy.raw, CURLOPT_HTTPHEADER, headerList), CURLOPT_HTTPHEADER)
    }

    private func appendHeaderLine(_ line: String) throws(HTTPClientError) {
        let appended = line.withCString { curl_slist_append(headerList, $0) }
        guard let appended else {
            throw HTTPClientError(kind: .other, message: "libcurl could not allocate a request header")
        }
        headerList = appended
    }

    // MARK: Validation

    private static func check(_ request: HTTPClientRequest) throws(HTTPClientError) {
        if request.url.utf8.contains(0) {
            throw HTTPClientError(kind: .other, message: "the URL contains a NUL byte")
        }
        if request.method.isEmpty || !request.method.utf8.allSatisfy(isTokenByte) {
            throw HTTPClientError(kind: .other, message: "the request method is not a valid HTTP token")
        }
        for (index, header) in request.headers.enumerated() {
            if header.name.isEmpty || !header.name.utf8.allSatisfy(isTokenByte) {
                throw HTTPClientError(kind: .other, message: "request header #\(index + 1) has an invalid name")
            }
            if header.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) {
                throw HTTPClientError(
                    kind: .other,
                    message: "request header \(header.name) has a line break or NUL byte in its value"
                )
            }
        }
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default: false
        }
    }

    private static func equalsIgnoringASCIICase(_ name: String, _ lowercase: StaticString) -> Bool {
        let other = UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
        guard name.utf8.count == other.count else { return false }
        return zip(name.utf8, other).allSatisfy { (($0 >= 0x41 && $0 <= 0x5A) ? $0 + 0x20 : $0) == $1 }
    }

    /// A timeout in whole milliseconds, rounded up, at least 1 (0 would mean "none" to libcurl).
    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let total = Double(seconds) * 1_000 + Double(attoseconds) / 1e15
        guard total.isFinite, total > 1 else { return 1 }
        return Int(min(total.rounded(.up), Double(Int32.max)))
    }

    // MARK: Typed setopt

    private func setLong(_ option: CURLoption, _ value: Int) throws(HTTPClientError) {
        try check(switchboard_curl_easy_setopt_long(easy.raw, option, value), option)
    }

    private func setOffset(_ option: CURLoption, _ value: Int64) throws(HTTPClientError) {
        try check(switchboard_curl_easy_setopt_off_t(easy.raw, option, curl_off_t(value)), option)
    }

    private func setString(_ option: CURLoption, _ value: String) throws(HTTPClientError) {
        // libcurl copies string options (CURLOPT_POSTFIELDS, the exception, is set with setPointer).
        let code = value.withCString { switchboard_curl_easy_setopt_string(easy.raw, option, $0) }
        try check(code, option)
    }

    private func setPointer(_ option: CURLoption, _ value: UnsafeMutableRawPointer?) throws(HTTPClientError) {
        try check(switchboard_curl_easy_setopt_pointer(easy.raw, option, value), option)
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(HTTPClientError) {
        guard code != CURLE_OK else { return }
        throw refusal(code, "option \(option.rawValue)")
    }

    private func check(_ code: CURLcode, _ what: StaticString) throws(HTTPClientError) {
        guard code != CURLE_OK else { return }
        throw refusal(code, "\(what)")
    }

    private func refusal(_ code: CURLcode, _ what: String) -> HTTPClientError {
        let reason = String(cString: curl_easy_strerror(code))
        return HTTPClientError(kind: .other, message: "libcurl refused \(what): \(reason) (curl error \(code.rawValue))")
    }
}

/// CURLOPT_WRITEFUNCTION: hands body bytes to the transfer named by the user pointer.
private let curlReceiveBody: curl_write_callback = { data, size, count, context in
    let length = size &* count
    guard let context else { return 0 }
    guard let data, length > 0 else { return length }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    return UnsafeMutableRawPointer(data).withMemoryRebound(to: UInt8.self, capacity: length) {
        transfer.receiveBody(UnsafeBufferPointer(start: $0, count: length))
    }
}

/// CURLOPT_HEADERFUNCTION: hands one header line to the transfer named by the user pointer.
private let curlReceiveHeader: curl_write_callback = { data, size, count, context in
    let length = size &* count
    guard let context else { return 0 }
    guard let data, length > 0 else { return length }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    return UnsafeMutableRawPointer(data).withMemoryRebound(to: UInt8.self, capacity: length) {
        transfer.receiveHeaderLine(UnsafeBufferPointer(start: $0, count: length))
    }
}
