import Foundation
import Testing
import SwitchboardCore

@Suite("PluginKit: the XML reader")
struct XMLBodyTests {
    @Test("reads elements by local name, decodes entities and CDATA, and finds paths from or below the root")
    func reading() throws {
        let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- a comment -->
        <ns:order xmlns:ns="urn:x" id='7'>
          <ns:payment><cid>  EXT-1  </cid><note><![CDATA[a < b & c]]></note></ns:payment>
          <item>one</item><item>two</item>
          <text>Tom &amp; Jerry &lt;3 &#233;&#x41;</text>
          <empty xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>
        </ns:order>
        """
        let root = try XMLBody.parse(Array(xml.utf8))
        #expect(root.localName == "order")
        #expect(root.attribute("id") == "7")
        #expect(root.string(at: "order.payment.cid") == "EXT-1")
        #expect(root.string(at: "payment.cid") == "EXT-1")
        #expect(root.string(at: "payment.note") == "a < b & c")
        #expect(root.string(at: "text") == "Tom & Jerry <3 éA")
        #expect(root.string(at: "payment.missing") == nil)
        #expect(root.children("item").count == 2)
        let json = try #require(root.jsonValue() as? [String: Any])
        #expect(json["item"] as? [String] == ["one", "two"])
        #expect(json["empty"] is NSNull)
    }

    @Test("hostile or broken XML is bad_payload with a reason, never a crash or an entity expansion")
    func refusals() {
        let cases: [(String, String)] = [
            (#"<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>"#, "document type"),
            ("<x>&ext;</x>", "unknown entity"),
            ("<x><y></x></y>", "closes"),
            ("<x>", "not closed"),
            ("<x></x><y/>", "after the root"),
            ("not xml", "root element"),
            ("<x a='1' a='2'/>", "repeated"),
            ("", "root element"),
        ]
        for (xml, reason) in cases {
            #expect("\(xml)", performing: { try XMLBody.parse(Array(xml.utf8)) }, throws: { error in
                guard let failure = error as? MappingFailure else { return false }
                return failure.reason == "bad_payload" && failure.message.contains(reason)
            })
        }
        let deep = String(repeating: "<a>", count: 5000) + String(repeating: "</a>", count: 5000)
        #expect(performing: { try XMLBody.parse(Array(deep.utf8)) }, throws: { ($0 as? MappingFailure)?.message.contains("deeper") == true })
    }

    /// The failure `parse` throws for `xml`, or nil when it reads.
    func failure(_ xml: String) -> MappingFailure? {
        failure(Array(xml.utf8))
    }

    func failure(_ bytes: [UInt8]) -> MappingFailure? {
        do {
            _ = try XMLBody.parse(bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test("an element with ~140k attributes in a 1 MB body is refused at the 257th attribute, naming the limit")
    func attributeFlood() throws {
        let attributes = (0..<140_000).map { " a\(String($0, radix: 36))=\"\"" }.joined()
        let body = Array("<flood\(attributes)/>".utf8)
        #expect(body.count > 1_000_000)
        let refused = try #require(failure(body))
        #expect(refused.reason == "bad_payload")
        #expect(refused.message.contains("element <flood> has more than 256 attributes"), "\(refused.message)")
        let repeated = try #require(failure("<flood" + String(repeating: " a=''", count: 200_000) + "/>"))
        #expect(repeated.message.contains("more than 256 attributes"), "\(repeated.message)")
        let allowed = (0..<256).map { " a\($0)='\($0)'" }.joined()
        #expect(try XMLBody.parse(Array("<ok\(allowed)/>".utf8)).attributes.count == 256)
    }

    @Test("a DTD is refused before anything expands or loads: billion laughs, external and parameter entities")
    func documentTypes() throws {
        let laughs = """
        <?xml version="1.0"?>
        <!DOCTYPE lolz [
          <!ENTITY lol "lol">
          <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
          <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
          <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
        ]>
        <lolz>&lol9;</lolz>
        """
        #expect(try #require(failure(laughs)).message.contains("document type declarations (<!DOCTYPE) are not accepted"))
        let external = #"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>"#
        let refused = try #require(failure(external))
        #expect(refused.message.contains("document type"))
        #expect(!refused.message.contains("root:"), "the file's content never appears")
        let parameter = #"<!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:1/x.dtd"> %p;]><x/>"#
        #expect(try #require(failure(parameter)).message.contains("document type"))
        #expect(try #require(failure("<x/><!DOCTYPE x>")).message.contains("document type"))
        #expect(try #require(failure("<x><!ENTITY e 'v'></x>")).message.contains("entity declarations"))
    }

    @Test("an entity reference other than the five predefined ones and &#NN; is refused, in text and attributes")
    func undefinedEntities() throws {
        for xml in ["<x>&e;</x>", "<x a='&e;'/>", "<x>&nbsp;</x>", "<x>&#0;</x>", "<x>& y</x>"] {
            let refused = try #require(failure(xml), "\(xml)")
            #expect(refused.reason == "bad_payload")
            #expect(refused.message.contains("entity") || refused.message.contains("reference"), "\(xml): \(refused.message)")
        }
    }

    @Test("depth 64, 1,024-byte names and 100,000 elements are read; one more of any is refused naming the limit")
    func limits() throws {
        func nested(_ depth: Int) -> String { String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth) }
        #expect(failure(nested(64)) == nil)
        #expect(try #require(failure(nested(65))).message.contains("elements nested deeper than 64 levels"))
        let name = String(repeating: "n", count: 1_024)
        #expect(try XMLBody.parse(Array("<\(name) \(name)='v'/>".utf8)).name == name)
        #expect(try #require(failure("<\(name)x/>")).message.contains("a name is longer than 1024 bytes"))
        #expect(try #require(failure("<x \(name)x='v'/>")).message.contains("a name is longer than 1024 bytes"))
        func elements(_ count: Int) -> String { "<r>" + String(repeating: "<e/>", count: count - 1) + "</r>" }
        #expect(failure(elements(100_000)) == nil)
        #expect(try #require(failure(elements(100_001))).message.contains("more than 100000 elements"))
        let value = String(repeating: "v", count: 2_000_000)
        #expect(try XMLBody.parse(Array("<x a='\(value)'>\(value)</x>".utf8)).text.count == value.count)
    }

    @Test("CDATA, the predefined entities and numeric references decode in text and attributes")
    func decoding() throws {
        let xml = "<x a='&lt;&gt;&amp;&quot;&apos;&#65;&#x42;'>&lt;&gt;&amp;&quot;&apos;&#65;&#x1F600;<![CDATA[&amp; <raw>]]></x>"
        let root = try XMLBody.parse(Array(xml.utf8))
        #expect(root.attribute("a") == #"<>&"'AB"#)
        #expect(root.text == #"<>&"'A😀&amp; <raw>"#)
        #expect(try XMLBody.parse(Array("<x>a<!-- c -->b<?p i?>c<y/>d</x>".utf8)).text == "abcd")
    }

    @Test("namespaces keep their prefixes and look-ups match local names; declarations read as attributes")
    func namespaces() throws {
        let xml = #"<sf:Account xmlns:sf="urn:sobject" xmlns="urn:default" sf:kind="x"><sf:Id>001</sf:Id><Name>A</Name></sf:Account>"#
        let root = try XMLBody.parse(Array(xml.utf8))
        #expect(root.name == "sf:Account")
        #expect(root.localName == "Account")
        #expect(root.child("Id")?.name == "sf:Id")
        #expect(root.string(at: "Account.Id") == "001")
        #expect(root.attribute("kind") == "x")
        #expect(root.attributes.map(\.name) == ["xmlns:sf", "xmlns", "sf:kind"])
        #expect(root.attribute("xmlns") == "urn:default")
        #expect(try XMLBody.parse(Array("<u:x/>".utf8)).name == "u:x", "an undeclared prefix is kept as written")
        let crowded = "<r " + (0..<65).map { "xmlns:p\($0)='urn:\($0)'" }.joined(separator: " ") + "/>"
        #expect(try #require(failure(crowded)).message.contains("more than 64 namespace declarations in scope"))
    }

    @Test("UTF-8 only: a byte order mark is skipped, another declared encoding, UTF-16 or broken UTF-8 is refused")
    func encodings() throws {
        #expect(try XMLBody.parse([0xEF, 0xBB, 0xBF] + Array(#"<?xml version="1.0" encoding="utf-8"?><x>é</x>"#.utf8)).text == "é")
        #expect(try #require(failure(#"<?xml version="1.0" encoding="ISO-8859-1"?><x/>"#)).message.contains("only UTF-8 is accepted"))
        #expect(try #require(failure([0xFF, 0xFE, 0x3C, 0x00, 0x78, 0x00])).message.contains("UTF-16"))
        #expect(try #require(failure(Array("<x>".utf8) + [0xE9] + Array("</x>".utf8))).message.contains("not valid UTF-8"))
        #expect(try #require(failure("<x>\u{1}</x>")).message.contains("control character"))
        #expect(try #require(failure(#"<?xml version="1.0" junk?><x/>"#)).message.contains("XML declaration"))
        #expect(try #require(failure("<x/>\n<?xml version='1.0'?>")).message.contains("XML declaration"))
    }

    @Test("errors say where: line and byte of the first problem")
    func positions() throws {
        let refused = try #require(failure("<x>\n  <y a='1' a='2'/>\n</x>"))
        #expect(refused.message.contains("attribute 'a' repeated"))
        #expect(refused.message.contains("line 2"), "\(refused.message)")
        #expect(try #require(failure("<x>\n\n&e;</x>")).message.hasSuffix("(line 3, byte 5)"))
    }

    @Test("escaping makes text safe inside elements and attributes")
    func escaping() {
        #expect(XMLBody.escape(#"a<b>&"c'"#) == "a&lt;b&gt;&amp;&quot;c&apos;")
        #expect(XMLBody.escape("plain") == "plain")
        #expect(TextEscaping.html(#"it's <b>"#) == "it&#39;s &lt;b&gt;")
        #expect(TextEscaping.json("a\"b\\c\n\u{1}\u{2028}") == #"a\"b\\c\n\u0001\u2028"#)
    }
}
