internal import SwitchboardXML

/// Reads XML bodies (SOAP notifications, provider callbacks) safely, with libxml2 through `SwitchboardXML`: no DTD,
/// no entity beyond the five predefined ones and numeric references, UTF-8 only, bounded depth, attributes, names,
/// elements and size, at a cost linear in the body. Namespaces are kept as prefixes; look-ups match local names, so
/// `<sf:Id>` is found as `Id`.
///
/// ```swift
/// let root = try XMLBody.parse(event.body)
/// let cid = root.string(at: "Body.notifications.Notification.sObject.PolyAI_CID__c")
/// ```
public enum XMLBody {
    /// The deepest element nesting accepted.
    public static let maxDepth = 64
    /// The most elements one document may hold.
    public static let maxElements = 100_000

    /// Parses a document and returns its root element; throws `bad_payload` with what was wrong and where.
    public static func parse(_ body: [UInt8]) throws(MappingFailure) -> Element {
        try PluginKit.checkSize(body)
        let limits = XMLLimits(maxBytes: PluginKit.maxBodyBytes, maxDepth: maxDepth, maxElements: maxElements)
        do {
            return Element(try XMLReader.read(body, limits: limits))
        } catch {
            throw .badPayload("body is not readable XML: \(error)")
        }
    }

    /// The text with `& < > " '` escaped, for element text and attribute values (see `TextEscaping.xml`).
    public static func escape(_ text: String) -> String {
        TextEscaping.xml(text)
    }
}

extension XMLBody.Element {
    /// The element as `SwitchboardXML` read it.
    init(_ element: XMLReader.Element) {
        self.init(
            name: element.name,
            attributes: element.attributes.map { Header($0.name, $0.value) },
            children: element.children.map(XMLBody.Element.init),
            text: element.text)
    }
}
