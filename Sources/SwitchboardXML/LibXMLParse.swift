internal import CLibXML2

/// One libxml2 parse of a document the pre-scan accepted: a fresh parser context (libxml2 is thread-safe with one
/// context per thread), the tree it builds, and the first fatal error it reports. Both C objects are freed in
/// `deinit`; nothing of them leaves this type (`read` returns plain Swift values).
final class LibXMLParse {
    /// `xmlInitParser` once per process, before any parse (it is not safe to race on the first call).
    private static let initialized: Void = xmlInitParser()

    private let context: xmlParserCtxtPtr?
    private var document: xmlDocPtr?
    /// The first fatal error libxml2 reported, copied out of its buffers while it reported it.
    private var firstError: XMLReadError?
    /// Where `read`'s bytes start in the caller's input, so offsets count from the caller's first byte.
    private var offsetBase = 0

    init() {
        _ = Self.initialized
        context = xmlNewParserCtxt()
    }

    deinit {
        if let document { xmlFreeDoc(document) }
        if let context { xmlFreeParserCtxt(context) }
    }

    /// The root element of `bytes` (one call per instance).
    func read(_ bytes: UnsafeBufferPointer<UInt8>, offsetBase: Int) throws(XMLReadError) -> XMLReader.Element {
        guard let context, let sax = context.pointee.sax, document == nil else {
            throw XMLReadError(.malformed, "the XML parser could not be started")
        }
        guard let base = bytes.baseAddress, let count = Int32(exactly: bytes.count) else {
            throw XMLReadError(.malformed, "the document is empty: expected the root element")
        }
        self.offsetBase = offsetBase
        // Errors come here, not to stderr nor to a process-wide handler: with `serror` set on the context,
        // libxml2 reports parser errors to it alone. `userData` is the context itself (libxml2's default).
        context.pointee._private = Unmanaged.passUnretained(self).toOpaque()
        sax.pointee.serror = { userData, error in
            guard let userData, let error else { return }
            let context = userData.assumingMemoryBound(to: xmlParserCtxt.self)
            guard let owner = context.pointee._private else { return }
            Unmanaged<LibXMLParse>.fromOpaque(owner).takeUnretainedValue().record(error.pointee, in: context)
        }
        document = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { characters in
            xmlCtxtReadMemory(context, characters, count, nil, nil, switchboard_xml_read_options())
        }
        sax.pointee.serror = nil
        context.pointee._private = nil
        xmlResetLastError() // libxml2 also keeps a copy of the last error per thread; nothing should outlive the parse
        guard let document, firstError == nil else {
            throw firstError ?? XMLReadError(.malformed, "the document is not well-formed XML")
        }
        guard document.pointee.intSubset == nil, document.pointee.extSubset == nil else {
            throw XMLReadError(.notAccepted, "document type declarations (<!DOCTYPE) are not accepted")
        }
        guard let root = xmlDocGetRootElement(document) else {
            throw XMLReadError(.malformed, "expected the root element")
        }
        return try LibXMLTree.element(root)
    }

    /// Keeps the first fatal error; later ones follow from it, and warnings or namespace errors are not fatal.
    private func record(_ error: xmlError, in context: xmlParserCtxtPtr) {
        guard firstError == nil, error.level == XML_ERR_FATAL else { return }
        var offset: Int?
        if let input = context.pointee.input, let base = input.pointee.base, let cursor = input.pointee.cur {
            offset = offsetBase + Int(input.pointee.consumed) + base.distance(to: cursor)
        }
        firstError = XMLReadError(.malformed, Self.message(for: error), offset: offset, line: error.line > 0 ? Int(error.line) : nil)
    }

    /// Our wording for the errors a pre-scanned document can still have; libxml2's own first line otherwise.
    private static func message(for error: xmlError) -> String {
        func text(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
            pointer.map { XMLReadError.excerpt(Array(String(cString: $0).utf8)) }
        }
        switch error.code {
        case Int32(XML_ERR_ATTRIBUTE_REDEFINED.rawValue):
            let name = [text(error.str1), text(error.str2)].compactMap { $0 }.joined(separator: ":")
            return "attribute '\(name)' repeated"
        case Int32(XML_ERR_UNDECLARED_ENTITY.rawValue), Int32(XML_WAR_UNDECLARED_ENTITY.rawValue):
            return "unknown entity (only &lt; &gt; &amp; &quot; &apos; and &#NN; are accepted)"
        default:
            let raw = error.message.map { String(cString: $0) } ?? "not well-formed XML"
            let firstLine = raw.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? raw
            return "not well-formed XML: " + XMLReadError.excerpt(Array(firstLine.utf8), limit: 160)
        }
    }
}
