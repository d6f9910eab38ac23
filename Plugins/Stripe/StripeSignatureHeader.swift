import SwitchboardCore

/// The `Stripe-Signature` header: `t=1492774577,v1=5257a8…,v1=…,v0=…`.
///
/// `t` is the signing time in Unix seconds; each `v1` is a hex HMAC-SHA256 of `"{t}.{body}"` (Stripe sends
/// several while an endpoint secret is being rolled). Other schemes (`v0`) are ignored, as Stripe advises.
struct StripeSignatureHeader {
    /// `t` exactly as sent: the signed payload starts with this text.
    var timestampText: String
    /// `t` in milliseconds since 1970.
    var timestampMillis: Int64
    /// The `v1` signatures, decoded from hex.
    var signatures: [[UInt8]]

    /// Parses the header; nil when it has no usable `t`.
    init?(_ value: String) {
        var timestamp: String?
        var signatures: [[UInt8]] = []
        for item in value.split(separator: ",") {
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else { continue }
            let key = Self.trimmed(pair[0])
            let text = Self.trimmed(pair[1])
            switch key {
            case "t": timestamp = text
            case "v1": if let bytes = SignatureText.hex(text), !bytes.isEmpty { signatures.append(bytes) }
            default: continue
            }
        }
        guard let timestamp, let millis = Timestamps.unixSeconds(timestamp) else { return nil }
        self.timestampText = timestamp
        self.timestampMillis = millis
        self.signatures = signatures
    }

    private static func trimmed(_ text: Substring) -> String {
        var text = text
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }
}
