/// Why a document was not read, and where: a stable kind, a short message safe to show (names from the input
/// appear only as short escaped excerpts), and the byte offset and line when known.
public struct XMLReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of refusal this is; the raw value is stable.
    public enum Kind: String, Sendable {
        /// The document passes one of the `XMLLimits`.
        case limitExceeded = "limit_exceeded"
        /// The document uses something never accepted: a DTD, an entity other than the predefined ones, an encoding
        /// other than UTF-8.
        case notAccepted = "not_accepted"
        /// The document is not well-formed XML.
        case malformed
    }

    /// What kind of refusal this is.
    public var kind: Kind
    /// What was wrong, in a short sentence.
    public var message: String
    /// The byte offset in the input (a UTF-8 byte order mark included) where it was found, when known.
    public var offset: Int?
    /// The 1-based line where it was found, when known.
    public var line: Int?

    /// Makes an error.
    public init(_ kind: Kind, _ message: String, offset: Int? = nil, line: Int? = nil) {
        self.kind = kind
        self.message = message
        self.offset = offset
        self.line = line
    }

    /// The message with its position: `element <a> has more than 256 attributes (line 1, byte 2310)`.
    public var description: String {
        switch (line, offset) {
        case let (line?, offset?): "\(message) (line \(line), byte \(offset))"
        case let (nil, offset?): "\(message) (byte \(offset))"
        case let (line?, nil): "\(message) (line \(line))"
        case (nil, nil): message
        }
    }

    /// Input bytes as shown in a message: printable ASCII kept, anything else escaped as `\u{…}`, at most
    /// `limit` bytes of input, then `…`.
    static func excerpt(_ bytes: some Collection<UInt8>, limit: Int = 64) -> String {
        let shown = bytes.prefix(limit)
        var text = ""
        for scalar in String(decoding: shown, as: UTF8.self).unicodeScalars {
            if scalar.value >= 0x20, scalar.value < 0x7F {
                text.unicodeScalars.append(scalar)
            } else {
                text += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            }
        }
        return bytes.count > shown.count ? text + "…" : text
    }
}
