import Testing
@testable import SwitchboardCore

@Suite("APIKey: keys print masked like Agent Studio")
struct APIKeyTests {
    @Test("a key shows only its last four characters")
    func masksLongKey() {
        let key = APIKey("sk-abcdefgh1234")
        #expect(key.masked == "••••1234")
        #expect(key.masked.hasSuffix("1234"))
        for character in "sk-abcdefgh" {
            #expect(!key.masked.contains(character))
        }
        #expect(key.value == "sk-abcdefgh1234")
    }

    @Test("printing, interpolating, debugging or dumping a key never shows the secret")
    func everyPrintedFormIsMasked() {
        let key = APIKey("sk-abcdefgh1234")
        var dumped = ""
        dump(key, to: &dumped)
        for text in ["\(key)", String(describing: key), String(reflecting: key), dumped, "\([key])"] {
            #expect(!text.contains("abcdefgh"), "\(text)")
        }
    }

    @Test("a short key shows fewer characters, never more than a third of it", arguments: [
        ("", "••••"), ("ab", "••••"), ("abc", "••••c"), ("abcdef", "••••ef"), ("abcdefghijkl", "••••ijkl"),
    ])
    func shortKeys(value: String, masked: String) {
        #expect(APIKey(value).masked == masked)
    }
}
