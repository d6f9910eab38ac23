import SwitchboardCore

/// The JSON `sb_verify` and `sb_map` receive for one inbound event (Plugins/Wasm/README.md has the contract):
///
/// ```json
/// {"route":"/hooks/acme","source":"webhook","method":"POST","url":"https://…/hooks/acme?x=1",
///  "headers":[["content-type","application/json"]],"query":[["x","1"]],"body":"{…}","body_base64":"…"}
/// ```
/// A Kafka message has `"source":"kafka"`, no `url`, and `"kafka":{"topic":…,"partition":…,"offset":…,"key":…}`
/// (`key_base64` when the key is not UTF-8). `body` is present only when the body is UTF-8.
public enum WasmEventInput {
    /// The input for `event`; `publicURL` gives the `url` the caller signed.
    public static func encode(_ event: InboundEvent, publicURL: PublicURL) -> [UInt8] {
        var writer = WasmJSONWriter(capacity: event.body.count * 7 / 3 + 256)
        writer.raw(UInt8(ascii: "{"))
        // The route as the configuration names its source: the webhook path, or the Kafka topic.
        writer.key("route")
        switch event.source {
        case .webhook(let path): writer.string(path.isEmpty ? event.route : path)
        case .kafka(let topic, _, _): writer.string(topic)
        }
        writer.raw(UInt8(ascii: ","))
        writer.key("source")
        switch event.source {
        case .webhook:
            writer.raw("\"webhook\",")
            writer.key("method")
            writer.string(event.method)
            if let url = publicURL.signedURL(for: event) {
                writer.raw(UInt8(ascii: ","))
                writer.key("url")
                writer.string(url)
            }
        case .kafka(let topic, let partition, let offset):
            writer.raw("\"kafka\",")
            writer.key("method")
            writer.string(event.method)
            writer.raw(UInt8(ascii: ","))
            writer.key("kafka")
            writer.raw(UInt8(ascii: "{"))
            writer.key("topic")
            writer.string(topic)
            writer.raw(UInt8(ascii: ","))
            writer.key("partition")
            writer.number(partition)
            writer.raw(UInt8(ascii: ","))
            writer.key("offset")
            writer.number(offset)
            if let key = event.messageKey {
                writer.raw(UInt8(ascii: ","))
                if isUTF8(key) {
                    writer.key("key")
                    writer.string(key)
                } else {
                    writer.key("key_base64")
                    writer.base64(key)
                }
            }
            writer.raw(UInt8(ascii: "}"))
        }
        writer.raw(UInt8(ascii: ","))
        writer.key("headers")
        writer.pairs(event.headers, lowercasingNames: true)
        writer.raw(UInt8(ascii: ","))
        writer.key("query")
        writer.pairs(event.query, lowercasingNames: false)
        if isUTF8(event.body) {
            writer.raw(UInt8(ascii: ","))
            writer.key("body")
            writer.string(event.body)
        }
        writer.raw(UInt8(ascii: ","))
        writer.key("body_base64")
        writer.base64(event.body)
        writer.raw(UInt8(ascii: "}"))
        return writer.bytes
    }

    /// Whether `bytes` are well-formed UTF-8.
    public static func isUTF8(_ bytes: [UInt8]) -> Bool {
        // ASCII is the common case and needs no decoding.
        if !bytes.contains(where: { $0 >= 0x80 }) { return true }
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}
