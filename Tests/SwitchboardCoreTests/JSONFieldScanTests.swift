import Testing
import SwitchboardCore

@Suite("JSONFieldScan: one pass for an id, and no answer wherever the full parse could read the body differently")
struct JSONFieldScanTests {
    /// What the full parse reads at `path`, or nil when it refuses the body.
    private func parsed(_ path: String, _ body: String) -> String? {
        (try? JSONBody.parse(Array(body.utf8))).flatMap { JSONBody.string(at: path, in: $0) }
    }

    private func scanned(_ path: String, _ body: String) -> String? {
        JSONFieldScan.string(at: path, in: Array(body.utf8))
    }

    @Test("plain strings at nested paths and array indexes are read, and agree with the full parse")
    func reads() {
        let cases: [(String, String, String)] = [
            ("cid", #"{"cid":"conv-1","pad":"xxxx"}"#, "conv-1"),
            ("data.object.metadata.cid", #" { "type" : "x", "data": {"object": {"metadata": {"cid": "EXT-9"}, "n": [1, 2.5, -0, true, null]}} } "#, "EXT-9"),
            ("items.1.id", #"{"items":[{"id":"a"},{"id":"b"},{"id":"c"}]}"#, "b"),
            ("0", #"["first","second"]"#, "first"),
            ("cid", #"{"before":{"cid":"inner"},"cid":"outer","after":[{"cid":"x"}]}"#, "outer"),
            ("cid", #"{"note":"a \"quoted\" \u00e9 word","cid":"réservation-7"}"#, "réservation-7"),
        ]
        for (path, body, expected) in cases {
            #expect(scanned(path, body) == expected, "\(path) in \(body)")
            #expect(parsed(path, body) == expected, "\(path) in \(body)")
        }
    }

    @Test("malformed JSON gets no answer, so the full parse names the error")
    func malformed() {
        let bodies = [
            #"{"cid":"a""#, #"{"cid":"a",}"#, #"{"cid":"a"} x"#, #"{"cid" "a"}"#, #"{cid:"a"}"#, #"{"cid":"a","n":01}"#,
            #"{"cid":"a","n":1.}"#, #"{"cid":"a","n":-}"#, #"{"cid":"a","t":tru}"#, #"{"cid":"a\x"}"#, "{\"cid\":\"a\u{01}\"}",
            #"{"cid":"a"]"#, #"["cid"}"#, "", "   ", #"{"cid":"a","u":"\u12G4"}"#,
        ]
        for body in bodies {
            #expect(scanned("cid", body) == nil, "\(body)")
        }
        #expect(JSONFieldScan.string(at: "cid", in: Array(#"{"cid":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)) == nil)
        #expect(JSONFieldScan.string(at: "cid", in: Array(#"{"cid":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8)) == nil)
        #expect(JSONFieldScan.string(at: "cid", in: [0xEF, 0xBB, 0xBF] + Array(#"{"cid":"a"}"#.utf8)) == nil)
    }

    @Test("readings the full parse owns get no answer: escapes in the value, non-strings, repeated names, odd names")
    func unsure() {
        let cases: [(String, String)] = [
            ("cid", #"{"cid":"a\u0041"}"#),
            ("cid", #"{"cid":42}"#),
            ("cid", #"{"cid":true}"#),
            ("cid", #"{"cid":{"x":"y"}}"#),
            ("cid", #"{"cid":""}"#),
            ("cid", #"{"cid":null}"#),
            ("cid", #"{"cid":"a","cid":"b"}"#),
            ("a.b", #"{"a":{"b":"1"},"a":{"c":"2"}}"#),
            ("cid", #"{"c\u0069d":"a","cid":"b"}"#),
            ("cid", #"{"ciḍ":"a","cid":"b"}"#),
            ("cid", #"{"cid":"a","n":1e5}"#),
            ("cid", #"{"cid":"a","n":1234567890123456}"#),
            ("cid", #"{"cid":"a","s":"\ud83d\ude00"}"#),
            ("missing", #"{"cid":"a"}"#),
            ("cid.x", #"{"cid":"a"}"#),
        ]
        for (path, body) in cases {
            #expect(scanned(path, body) == nil, "\(path) in \(body)")
        }
    }

    @Test("nesting beyond JSONBody.maxDepth gets no answer; at the limit it is read")
    func depth() {
        let inside = JSONBody.maxDepth - 1
        let atLimit = #"{"cid":"deep","x":"# + String(repeating: "[", count: inside) + String(repeating: "]", count: inside) + "}"
        #expect(scanned("cid", atLimit) == "deep")
        #expect(parsed("cid", atLimit) == "deep")
        let beyond = #"{"cid":"deep","x":"# + String(repeating: "[", count: inside + 1) + String(repeating: "]", count: inside + 1) + "}"
        #expect(scanned("cid", beyond) == nil)
        let hostile = String(repeating: "[", count: 200_000)
        #expect(scanned("0", hostile) == nil)
    }
}
