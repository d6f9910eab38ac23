/// Reads small XML bodies (SOAP notifications, provider callbacks) safely: no DTD, no entity beyond the five
/// predefined ones and numeric references, bounded depth and size. Namespaces are kept as prefixes; look-ups match
/// local names, so `<sf:Id>` is found as `Id`.
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

    /// Parses a document and returns its root element; throws `bad_payload` with what was wrong.
    public static func parse(_ body: [UInt8]) throws(MappingFailure) -> Element {
        try PluginKit.checkSize(body)
        var parser = XMLBodyParser(bytes: body)
        do {
            return try parser.parseDocument()
        } catch {
            throw .badPayload("body is not readable XML: \(error.message) (at byte \(error.offset))")
        }
    }

    /// The text with `& < > " '` escaped, for element text and attribute values (see `TextEscaping.xml`).
    public static func escape(_ text: String) -> String {
        TextEscaping.xml(text)
    }
}

/// Why a document could not be parsed, and where.
struct XMLSyntaxError: Error {
    var message: String
    var offset: Int
}
