/// The bounds a document must keep; checked by a linear pre-scan before libxml2 reads any of it.
///
/// libxml2 has costs that grow faster than the input (2.9.14 compares every attribute of an element with every
/// other one, and looks namespace prefixes up through every declaration in scope), so these bounds keep each of
/// those factors small and the whole parse linear in the document's size.
///
/// ```swift
/// let limits = XMLLimits(maxBytes: 1 << 20)
/// let root = try XMLReader.read(body, limits: limits)
/// ```
public struct XMLLimits: Sendable, Equatable {
    /// The largest document libxml2 is trusted with: its own bound on one text node, comment or CDATA section
    /// without `XML_PARSE_HUGE` (10,000,000 bytes). `maxBytes` is never larger.
    public static let largestDocument = 10_000_000

    /// The most bytes a document may have (the caller's body bound, at most `largestDocument`). Text and attribute
    /// values have no bound of their own beyond this one.
    public var maxBytes: Int
    /// The deepest element nesting accepted (the root is level 1).
    public var maxDepth: Int
    /// The most attributes (namespace declarations included) one element may have.
    public var maxAttributesPerElement: Int
    /// The longest element, attribute or processing-instruction name, in bytes.
    public var maxNameBytes: Int
    /// The most elements one document may hold.
    public var maxElements: Int
    /// The most namespace declarations (`xmlns`, `xmlns:p`) in scope at once, over all open elements.
    public var maxNamespacesInScope: Int

    /// Makes limits; `maxBytes` above `largestDocument` is lowered to it.
    public init(
        maxBytes: Int,
        maxDepth: Int = 64,
        maxAttributesPerElement: Int = 256,
        maxNameBytes: Int = 1_024,
        maxElements: Int = 100_000,
        maxNamespacesInScope: Int = 64
    ) {
        self.maxBytes = min(maxBytes, Self.largestDocument)
        self.maxDepth = maxDepth
        self.maxAttributesPerElement = maxAttributesPerElement
        self.maxNameBytes = maxNameBytes
        self.maxElements = maxElements
        self.maxNamespacesInScope = maxNamespacesInScope
    }
}
