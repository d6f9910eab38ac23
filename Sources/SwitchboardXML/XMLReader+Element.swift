extension XMLReader {
    /// One element of a document read by `XMLReader`: plain Swift values, nothing of libxml2's left.
    public struct Element: Sendable, Equatable {
        /// The name as written, with its prefix (`sf:Id`).
        public var name: String
        /// The namespace declarations (`xmlns`, `xmlns:sf`) in the order written, then the other attributes in the
        /// order written (names with prefixes); values decoded.
        public var attributes: [Attribute]
        /// The child elements in document order.
        public var children: [Element]
        /// The element's own text: character data and CDATA directly inside it, decoded, untrimmed.
        public var text: String

        /// Makes an element.
        public init(name: String, attributes: [Attribute] = [], children: [Element] = [], text: String = "") {
            self.name = name
            self.attributes = attributes
            self.children = children
            self.text = text
        }
    }

    /// One attribute of an element.
    public struct Attribute: Sendable, Equatable {
        /// The name as written, with its prefix (`xsi:nil`, `xmlns:sf`).
        public var name: String
        /// The value, references decoded.
        public var value: String

        /// Makes an attribute.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }
}
