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

    @Test("escaping makes text safe inside elements and attributes")
    func escaping() {
        #expect(XMLBody.escape(#"a<b>&"c'"#) == "a&lt;b&gt;&amp;&quot;c&apos;")
        #expect(XMLBody.escape("plain") == "plain")
        #expect(TextEscaping.html(#"it's <b>"#) == "it&#39;s &lt;b&gt;")
        #expect(TextEscaping.json("a\"b\\c\n\u{1}\u{2028}") == #"a\"b\\c\n\u0001\u2028"#)
    }
}
