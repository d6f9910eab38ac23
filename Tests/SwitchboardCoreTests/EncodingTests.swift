import Testing
@testable import SwitchboardCore

@Suite("Percent-encoding and form bodies")
struct EncodingTests {
    @Test("query components are encoded so PolyAI reads them back exactly")
    func encode() {
        #expect(PercentEncoding.encode("PROJECT-58RP822I") == "PROJECT-58RP822I")
        #expect(PercentEncoding.encode("a b&c=d/é") == "a%20b%26c%3Dd%2F%C3%A9")
    }

    @Test("decoding keeps malformed escapes as they are and never drops bytes")
    func decodeMalformed() {
        #expect(PercentEncoding.decode("a%zzb", plusAsSpace: false) == "a%zzb")
        #expect(PercentEncoding.decode("100%", plusAsSpace: false) == "100%")
        #expect(PercentEncoding.decode("x%4", plusAsSpace: false) == "x%4")
        #expect(PercentEncoding.decode("a+b%20c", plusAsSpace: true) == "a b c")
    }

    @Test("form bodies decode to ordered pairs")
    func form() {
        let pairs = FormBody.parse(Array("cid=F%2D1&note=a+b&empty=&flag".utf8))
        #expect(pairs == [Header("cid", "F-1"), Header("note", "a b"), Header("empty", ""), Header("flag", "")])
    }
}
