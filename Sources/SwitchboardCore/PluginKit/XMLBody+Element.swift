import Foundation

extension XMLBody {
    /// One element of a parsed document.
    public struct Element: Sendable {
        /// The name as written, with its prefix (`sf:Id`).
        public var name: String
        /// The attributes (names with prefixes), values decoded: namespace declarations (`xmlns`, `xmlns:sf`) first,
        /// then the others, each in the order written.
        public var attributes: [Header]
        /// The child elements in document order.
        public var children: [Element]
        /// The element's own text (character data and CDATA directly inside it), decoded, untrimmed.
        public var text: String

        /// Makes an element.
        public init(name: String, attributes: [Header] = [], children: [Element] = [], text: String = "") {
            self.name = name
            self.attributes = attributes
            self.children = children
            self.text = text
        }

        /// The name without its namespace prefix (`Id` for `sf:Id`).
        public var localName: Substring { Self.local(name) }

        /// The text trimmed of surrounding whitespace.
        public var trimmedText: String {
            var scalars = Substring(text)
            while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
            while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
            return String(scalars)
        }

        /// The first child with this local name.
        public func child(_ localName: String) -> Element? {
            children.first { $0.localName == localName }
        }

        /// Every child with this local name.
        public func children(_ localName: String) -> [Element] {
            children.filter { $0.localName == localName }
        }

        /// The value of the attribute with this local name.
        public func attribute(_ localName: String) -> String? {
            attributes.first { Self.local($0.name) == localName }?.value
        }

        /// Whether the element is marked `xsi:nil="true"`.
        public var isNil: Bool { attribute("nil") == "true" }

        /// The trimmed, non-empty text of the first element at a dotted path of local names.
        ///
        /// The path may name this element first (`event.cid` on `<event>`) or start below it (`cid`), as PolyAI
        /// reads XML payload paths. Nil when no element there has text.
        public func string(at path: String) -> String? {
            let segments = path.split(separator: ".", omittingEmptySubsequences: false)
            guard let first = segments.first, !segments.contains(where: \.isEmpty) else { return nil }
            if first == localName, segments.count > 1, let found = Self.firstText(Array(segments.dropFirst()), under: self) {
                return found
            }
            if first == localName, segments.count == 1 {
                let own = trimmedText
                if !own.isEmpty { return own }
            }
            return Self.firstText(Array(segments), under: self)
        }

        /// The first element whose path below `element` is `segments` and whose text is not empty.
        static func firstText(_ segments: [Substring], under element: Element) -> String? {
            guard let head = segments.first else { return nil }
            for child in element.children where child.localName == head {
                if segments.count == 1 {
                    let text = child.trimmedText
                    if !text.isEmpty { return text }
                } else if let found = firstText(Array(segments.dropFirst()), under: child) {
                    return found
                }
            }
            return nil
        }

        /// The element as a JSON value: text for a leaf (`NSNull` for `xsi:nil`), an object of children by local
        /// name otherwise (repeated names become arrays). Attributes other than `xsi:nil` are left out.
        public func jsonValue() -> Any {
            if children.isEmpty {
                return isNil ? NSNull() : trimmedText
            }
            var grouped: [String: [Any]] = [:]
            for child in children {
                grouped[String(child.localName), default: []].append(child.jsonValue())
            }
            return grouped.mapValues { $0.count == 1 ? $0[0] : $0 as Any }
        }

        static func local(_ name: String) -> Substring {
            guard let colon = name.lastIndex(of: ":") else { return Substring(name) }
            return name[name.index(after: colon)...]
        }
    }
}
