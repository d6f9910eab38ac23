extension OutboundRequest {
    /// Why this request cannot be sent as it is, or nil when it can: a header name that is not an HTTP token, or a
    /// header value or URL holding a control character (CR/LF would split the request). Such a request would fail
    /// the same way on every attempt, so its event is dead-lettered `bad_payload` at once and never retried.
    public var malformation: String? {
        for header in headers {
            guard !header.name.isEmpty, header.name.utf8.allSatisfy(Self.isTokenByte) else {
                return "header name \(TextEscaping.quoted(header.name, limit: 40)) is not a valid HTTP header name"
            }
            guard header.value.utf8.allSatisfy(Self.isFieldValueByte) else {
                // The value is never shown: it may be the key.
                return "header \(header.name) holds a control character (CR, LF or NUL are not allowed in HTTP headers)"
            }
        }
        guard url.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else {
            return "the request URL holds a space or control character"
        }
        return nil
    }

    /// RFC 9110 `tchar`.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// A byte allowed in a header field value: visible characters, space, tab, and bytes of UTF-8 sequences.
    static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte == 0x09 || (byte >= 0x20 && byte != 0x7F)
    }
}
