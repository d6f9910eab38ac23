/// Reads an untrusted XML document into plain Swift values, at a cost linear in its size.
///
/// Two steps: `XMLPreScan` walks the bytes once and refuses anything outside the `XMLLimits`, any DTD
/// (`<!DOCTYPE`, `<!ENTITY`), any entity reference other than the five predefined ones and numeric references,
/// and anything that is not UTF-8; then libxml2 parses what is left with entity substitution, DTD loading,
/// network access and recovery all off, and its errors silenced and returned here.
///
/// Encodings: the input must be UTF-8 (a UTF-8 byte order mark is accepted); a document whose XML declaration
/// names another encoding (`ISO-8859-1`, `UTF-16`, …) is refused rather than converted, so what the pre-scan
/// checked is exactly what libxml2 reads. `US-ASCII` is accepted, being UTF-8.
///
/// Namespaces: names keep their prefixes as written; a prefix nobody declared is kept as written, not refused.
///
/// ```swift
/// let root = try XMLReader.read(Array(body.utf8), limits: XMLLimits(maxBytes: 1 << 20))
/// print(root.name, root.children.count)
/// ```
public enum XMLReader {
    /// The root element of `bytes`, or why the document was refused.
    public static func read(_ bytes: [UInt8], limits: XMLLimits) throws(XMLReadError) -> Element {
        guard bytes.count <= limits.maxBytes else {
            throw XMLReadError(.limitExceeded, "the document is \(bytes.count) bytes, more than the \(limits.maxBytes) accepted")
        }
        let result: Result<Element, XMLReadError> = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(XMLReadError) -> Element in
                let start = try XMLPreScan.check(buffer, limits: limits)
                let parse = LibXMLParse()
                return try parse.read(UnsafeBufferPointer(rebasing: buffer[start...]), offsetBase: start)
            }
        }
        return try result.get()
    }
}
