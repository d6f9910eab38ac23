internal import CLibXML2

/// Copies a libxml2 element tree into `XMLReader.Element` values, refusing any entity node (none can be left after
/// the pre-scan; this is the second lock on that door).
enum LibXMLTree {
    /// The element at `node` with its attributes, children and own text (depth is bounded by the pre-scan).
    static func element(_ node: xmlNodePtr) throws(XMLReadError) -> XMLReader.Element {
        var element = XMLReader.Element(name: qualifiedName(node.pointee.ns, node.pointee.name))
        var declaration = node.pointee.nsDef
        while let namespace = declaration {
            let name = namespace.pointee.prefix.map { "xmlns:" + string($0) } ?? "xmlns"
            element.attributes.append(XMLReader.Attribute(name: name, value: namespace.pointee.href.map(string) ?? ""))
            declaration = namespace.pointee.next
        }
        var property = node.pointee.properties
        while let attribute = property {
            let name = qualifiedName(attribute.pointee.ns, attribute.pointee.name)
            let value = try contents(of: attribute.pointee.children).text
            element.attributes.append(XMLReader.Attribute(name: name, value: value))
            property = attribute.pointee.next
        }
        (element.text, element.children) = try contents(of: node.pointee.children)
        return element
    }

    /// The text and CDATA among `first` and its siblings, concatenated, and the elements among them.
    private static func contents(of first: xmlNodePtr?) throws(XMLReadError) -> (text: String, children: [XMLReader.Element]) {
        var bytes: [UInt8] = []
        var children: [XMLReader.Element] = []
        var sibling = first
        while let node = sibling {
            switch node.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = node.pointee.content {
                    bytes.append(contentsOf: UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content))))
                }
            case XML_ELEMENT_NODE:
                children.append(try element(node))
            case XML_ENTITY_REF_NODE, XML_ENTITY_NODE, XML_ENTITY_DECL, XML_DTD_NODE:
                throw XMLReadError(.notAccepted, "entity references other than &lt; &gt; &amp; &quot; &apos; and &#NN; are not accepted")
            default:
                break // comments and processing instructions carry nothing we read
            }
            sibling = node.pointee.next
        }
        return (String(decoding: bytes, as: UTF8.self), children)
    }

    private static func qualifiedName(_ namespace: xmlNsPtr?, _ name: UnsafePointer<xmlChar>?) -> String {
        let local = name.map(string) ?? ""
        guard let prefix = namespace?.pointee.prefix else { return local }
        return string(prefix) + ":" + local
    }

    private static func string(_ pointer: UnsafePointer<xmlChar>) -> String {
        String(cString: pointer)
    }
}
