/// Finds one string field of a JSON body in a single pass, checking the whole document on the way, without building
/// it: the hot path's way to read an event id (`event_id: { from: json, path: cid }`) from a body that is otherwise
/// passed through.
///
/// The answer is either the text that `JSONBody.parse` followed by `JSONBody.string(at:in:)` would give, or nil,
/// meaning "not sure, parse it fully". The scan gives up (nil) on anything where the full parser's reading could
/// differ or that needs an error message: malformed JSON, a BOM, nesting deeper than `JSONBody.maxDepth`, numbers
/// with exponents or many digits, surrogate escapes, a member name along the path with escapes or non-ASCII
/// bytes, a name along the path that appears twice, and a value that is not a plain non-empty string (escapes,
/// numbers, booleans, objects). The fuzz target `json` checks the promise on every input.
public struct JSONFieldScan {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private let path: [Substring]
    /// How many of the open containers lie on the path: the innermost of them reads segment `matched - 1`.
    private var matched = 0
    /// Open containers: whether each is an object, whether it lies on the path, the element being read (arrays)
    /// and whether a member named by its path segment was seen (objects).
    private var stack: [(isObject: Bool, onPath: Bool, element: Int, seenSegment: Bool)] = []
    /// The path's value: its byte range (a plain string's contents), once found.
    private var found: Range<Int>?

    private init(bytes: UnsafeBufferPointer<UInt8>, path: [Substring]) {
        self.bytes = bytes
        self.path = path
        stack.reserveCapacity(8)
    }

    /// The text of the plain string at `path` (dotted, numeric segments index arrays) in `body`, when the whole body
    /// is JSON this scan is sure of; nil otherwise.
    public static func string(at path: String, in body: [UInt8]) -> String? {
        let segments = path.split(separator: ".", omittingEmptySubsequences: false)
        return body.withUnsafeBufferPointer { buffer -> String? in
            var scan = JSONFieldScan(bytes: buffer, path: segments)
            guard scan.document(), let range = scan.found, !range.isEmpty else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
        }
    }

    // MARK: Grammar

    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// The whole body: one value and nothing after it but whitespace.
    private mutating func document() -> Bool {
        skipWhitespace()
        guard value(onPath: true) else { return false }
        skipWhitespace()
        return index == bytes.count
    }

    /// One value, iteratively for containers (deep nesting costs no stack). `onPath`: this value is where the path's
    /// first `matched` segments lead.
    private mutating func value(onPath: Bool) -> Bool {
        var onPath = onPath
        while true {
            guard let byte = current else { return false }
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard stack.count < JSONBody.maxDepth else { return false }
                let isObject = byte == UInt8(ascii: "{")
                let containerOnPath = onPath && matched < path.count
                if containerOnPath { matched += 1 }
                stack.append((isObject, containerOnPath, 0, false))
                index += 1
                skipWhitespace()
                let closing = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
                if current == closing {
                    index += 1
                    guard closeContainer() else { return true }
                } else {
                    guard let next = beginElement() else { return false }
                    onPath = next
                    continue
                }
            case Self.quote:
                let start = index + 1
                guard let plain = string() else { return false }
                if onPath, matched == path.count {
                    guard plain else { return false }
                    found = start..<(index - 1)
                }
            case UInt8(ascii: "t"): guard literal("true") else { return false }
            case UInt8(ascii: "f"): guard literal("false") else { return false }
            case UInt8(ascii: "n"): guard literal("null") else { return false }
            default: guard number() else { return false }
            }
            // A value ended: carry on in the container around it, closing the containers that end here.
            while !stack.isEmpty {
                skipWhitespace()
                guard let byte = current else { return false }
                let isObject = stack[stack.count - 1].isObject
                if byte == UInt8(ascii: ",") {
                    index += 1
                    skipWhitespace()
                    stack[stack.count - 1].element += 1
                    guard let next = beginElement() else { return false }
                    onPath = next
                    break
                }
                guard byte == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else { return false }
                index += 1
                _ = closeContainer()
            }
            if stack.isEmpty { return true }
        }
    }

    /// Pops the innermost container; false when none is left (the document's value ended).
    private mutating func closeContainer() -> Bool {
        let closed = stack.removeLast()
        if closed.onPath { matched -= 1 }
        return !stack.isEmpty
    }

    /// At the start of an element of the innermost container (after `[`, `{` or `,`): reads an object member's name
    /// and colon. Returns whether the element's value lies on the path, or nil for malformed input (or a name along
    /// the path that the scan cannot compare safely).
    private mutating func beginElement() -> Bool? {
        let container = stack[stack.count - 1]
        let segment = container.onPath ? path[matched - 1] : nil
        if container.isObject {
            guard current == Self.quote else { return nil }
            let start = index + 1
            guard let plain = string() else { return nil }
            let name = UnsafeBufferPointer(rebasing: bytes[start..<(index - 1)])
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { return nil }
            index += 1
            skipWhitespace()
            guard let segment else { return false }
            // Swift compares member names by canonical equivalence and decodes escapes: only plain ASCII names
            // compare byte for byte.
            guard plain, name.allSatisfy({ $0 < 0x80 }) else { return nil }
            guard name.elementsEqual(segment.utf8) else { return false }
            // A repeated name: the full parser keeps one of them, and which is its business.
            guard !container.seenSegment else { return nil }
            stack[stack.count - 1].seenSegment = true
            return true
        }
        guard let segment, let position = Int(segment) else { return false }
        return position == container.element
    }

    /// At `"`: moves past the string. Returns whether it is plain (no escapes), or nil when malformed or holding a
    /// surrogate escape.
    private mutating func string() -> Bool? {
        index += 1
        var plain = true
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case Self.quote:
                index += 1
                return plain
            case Self.backslash:
                plain = false
                index += 1
                guard let escaped = current else { return nil }
                switch escaped {
                case Self.quote, Self.backslash, UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 1
                case UInt8(ascii: "u"):
                    guard index + 4 < bytes.count else { return nil }
                    var code: UInt32 = 0
                    for offset in 1...4 {
                        guard let digit = Self.hexValue(bytes[index + offset]) else { return nil }
                        code = code << 4 | digit
                    }
                    // A surrogate must pair up; how the full parser treats a broken pair is its business.
                    guard !(0xD800...0xDFFF).contains(code) else { return nil }
                    index += 5
                default:
                    return nil
                }
            case 0..<0x20:
                return nil
            case 0x80...:
                guard let length = Self.utf8SequenceLength(bytes, at: index) else { return nil }
                index += length
            default:
                index += 1
            }
        }
        return nil
    }

    /// At a literal's first byte: moves past it when it is exactly `text`.
    private mutating func literal(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] != text.utf8Start[offset] { return false }
        index += count
        return true
    }

    /// A number as RFC 8259 writes it, with at most 15 digits and no exponent (beyond that the full parser's
    /// reading, and its refusals, are its own).
    private mutating func number() -> Bool {
        if current == UInt8(ascii: "-") { index += 1 }
        var digits = 0
        guard let first = current, Self.isDigit(first) else { return false }
        if first == UInt8(ascii: "0") {
            index += 1
            digits = 1
        } else {
            while let byte = current, Self.isDigit(byte) { index += 1; digits += 1 }
        }
        if current == UInt8(ascii: ".") {
            index += 1
            guard let byte = current, Self.isDigit(byte) else { return false }
            while let byte = current, Self.isDigit(byte) { index += 1; digits += 1 }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") { return false }
        return digits <= 15
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x30...0x39: UInt32(byte - 0x30)
        case 0x41...0x46: UInt32(byte - 0x41 + 10)
        case 0x61...0x66: UInt32(byte - 0x61 + 10)
        default: nil
        }
    }

    /// The length of the well-formed UTF-8 sequence starting at `start` (a byte ≥ 0x80), or nil: no overlong forms,
    /// no surrogates, nothing past U+10FFFF (RFC 3629).
    private static func utf8SequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        let lead = bytes[start]
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return nil
        }
        guard start + length <= bytes.count else { return nil }
        let second = bytes[start + 1]
        guard second >= low, second <= high else { return nil }
        for offset in 2..<max(2, length) where bytes[start + offset] & 0xC0 != 0x80 { return nil }
        return length
    }
}
