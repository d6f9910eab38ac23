import Foundation
import Testing
import SwitchboardCore

@Suite("Hostile input in the core: encodings, escaping, requests that cannot be sent, credentials at rest")
struct HostileInputTests {
    @Test("JSON that is not UTF-8 is bad_payload with a clear message; a UTF-8 BOM is tolerated")
    func jsonEncodings() throws {
        let text = #"{"cid":"EXT-1"}"#
        let utf16LE = Array(text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        let utf16BE = Array(text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })
        let utf32LE = Array(text.unicodeScalars.flatMap { scalar in (0..<4).map { UInt8((scalar.value >> (8 * $0)) & 0xFF) } })
        let cases: [([UInt8], String)] = [
            (utf16LE, "UTF-16"), ([0xFF, 0xFE] + utf16LE, "UTF-16"), (utf16BE, "UTF-16"), ([0xFE, 0xFF] + utf16BE, "UTF-16"),
            (utf32LE, "UTF-32"), ([0xFF, 0xFE, 0x00, 0x00] + utf32LE, "UTF-32"),
        ]
        for (body, encoding) in cases {
            #expect(throws: MappingFailure.badPayload("JSON body is \(encoding), not UTF-8 (RFC 8259): send it as UTF-8")) {
                try JSONBody.parse(body)
            }
        }
        #expect(throws: MappingFailure.badPayload("JSON body is not valid UTF-8 (RFC 8259)")) {
            try JSONBody.parse(Array(#"{"cid":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8))
        }
        let withBOM = try JSONBody.parse([0xEF, 0xBB, 0xBF] + Array(text.utf8))
        #expect(JSONBody.string(at: "cid", in: withBOM) == "EXT-1")
    }

    @Test("log and terminal text: every control character, C1, line separators and bidi controls are escaped")
    func printable() {
        #expect(TextEscaping.printable("plain text") == "plain text")
        #expect(TextEscaping.printable("a\r\nb\tc\\") == #"a\r\nb\tc\\"#)
        #expect(TextEscaping.printable("\u{1B}[31mred\u{07}") == #"\u{1B}[31mred\u{7}"#)
        #expect(TextEscaping.printable("x\u{2028}y\u{2029}z\u{202E}w\u{9B}v\u{7F}") == #"x\u{2028}y\u{2029}z\u{202E}w\u{9B}v\u{7F}"#)
        #expect(TextEscaping.json("\u{1B}\u{9B}\u{2028}\u{202E}\u{7F}") == #"\u001b\u009b\u2028\u202e\u007f"#)
        #expect(TextEscaping.quoted(String(repeating: "x", count: 100), limit: 5) == #""xxxxx…""#)
        #expect(TextEscaping.quoted("a\"b\nc") == #""a\"b\nc""#)
    }

    @Test("a request with CR/LF in a header value or a bad header name cannot be sent, and says which header without its value")
    func malformedRequests() {
        let good = OutboundRequest(url: "https://api.us-1.platform.polyai.app/v1/external-events/webhook?a=b",
                                   headers: [Header("X-Api-Key", "sk-secret-value"), Header("Content-Type", "application/json")], body: [], timeout: .seconds(1))
        #expect(good.malformation == nil)
        var injected = good
        injected.headers[1] = Header("Content-Type", "application/json; charset=utf-8\r\nX-Evil: 1")
        #expect(injected.malformation == "header Content-Type holds a control character (CR, LF or NUL are not allowed in HTTP headers)")
        var badName = good
        badName.headers.append(Header("X Cid", "EXT-1"))
        #expect(badName.malformation?.contains("is not a valid HTTP header name") == true)
        var badKey = good
        badKey.headers[0] = Header("X-Api-Key", "sk-secret\nvalue")
        #expect(badKey.malformation?.contains("sk-secret") == false)
        var badURL = good
        badURL.url += " x"
        #expect(badURL.malformation != nil)
    }

    struct Signed: Integration {
        var keep: [String] = []
        func map(_ event: InboundEvent) throws(MappingFailure) -> [ExternalEvent] { [] }
        var credentialHeaders: [String] { ["X-Signature"] }
        var headersKeptAtRest: [String] { keep }
    }

    @Test("credentials and signature headers are never stored; a header the mapping needs is kept")
    func credentialsAtRest() {
        let event = InboundEvent(source: .webhook(path: "/h"), route: "/h", headers: [
            Header("Authorization", "Bearer t"), Header("proxy-authorization", "Basic x"), Header("Cookie", "s=1"),
            Header("X-Signature", "abc"), Header("X-Api-Key", "k"), Header("Content-Type", "application/json"), Header("X-Cid", "EXT-1"),
        ], body: [], receivedAtMillis: 0)
        #expect(event.storable(for: Signed()).headers.map(\.name) == ["Content-Type", "X-Cid"])
        #expect(event.storable(for: Signed(keep: ["authorization"])).headers.map(\.name) == ["Authorization", "Content-Type", "X-Cid"])
        #expect(event.storable(for: nil).headers.map(\.name) == ["X-Signature", "Content-Type", "X-Cid"])
    }
}
