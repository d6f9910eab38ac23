import SwitchboardBridge
import SwitchboardCore

/// What a test sends: a webhook request to a route's path, or a message on a Kafka topic.
enum TestRequest {
    case webhook(OfflineWebhookRequest)
    case kafka(OfflineKafkaMessage)

    /// Reads a test's `request:`; nil (with issues) when it is wrong.
    static func read(_ node: ConfigNode, _ context: TestFile.Context) -> TestRequest? {
        let diagnostics = context.diagnostics
        let reader = ConfigReader(node: node, diagnostics: diagnostics)
        defer { reader.finish() }
        guard node.kind == .mapping else { return nil }
        if reader.has("kafka") {
            return kafka(reader, context).map { .kafka($0) }
        }
        return webhook(reader, context).map { .webhook($0) }
    }

    private static func webhook(_ reader: ConfigReader, _ context: TestFile.Context) -> OfflineWebhookRequest? {
        let diagnostics = context.diagnostics
        let errorsBefore = diagnostics.errorCount
        let method = reader.string("method") ?? "POST"
        var request: OfflineWebhookRequest?
        switch (reader.value("path"), reader.value("url")) {
        case (let path?, nil):
            if let text = path.string(diagnostics) {
                if text.hasPrefix("/"), !text.contains("#"), !text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) {
                    request = OfflineWebhookRequest(method: method, target: text)
                } else {
                    diagnostics.error("expected a path such as /hooks/bookings (starting with /, no spaces)", at: path)
                }
            }
        case (nil, let url?):
            if let text = url.string(diagnostics) {
                request = OfflineWebhookRequest(url: text, method: method)
                if request == nil { diagnostics.error("expected an absolute URL such as https://hooks.example.com/hooks/twilio", at: url) }
            }
        case (_?, let url?):
            diagnostics.error("give path: or url:, not both (url: is the whole URL, path included)", at: url)
        case (nil, nil):
            diagnostics.error("missing required key: path (a webhook route), url, or kafka (a topic)", path: reader.path, position: reader.position)
        }
        if let query = reader.mapping("query") {
            var pairs: [String] = []
            for name in query.keys {
                for value in query.strings(name, required: true) ?? [] {
                    pairs.append(PercentEncoding.encode(name) + "=" + PercentEncoding.encode(value))
                }
            }
            if !pairs.isEmpty, let target = request?.target {
                request?.target = target + (target.contains("?") ? "&" : "?") + pairs.joined(separator: "&")
            }
        }
        let body = payload(reader, text: "body", file: "body_file", context) ?? []
        var headers = Self.headers(reader, context)
        if let host = headers.first(named: "host") {
            // HTTP/1 sends the authority as Host: the listener reads it from there.
            request?.authority = host
            headers.removeAll { $0.name.lowercased() == "host" }
        }
        if headers.first(named: "content-length") == nil {
            headers.append(Header("Content-Length", String(body.count)))
        }
        guard diagnostics.errorCount == errorsBefore, var request else { return nil }
        request.headers = headers
        request.body = body
        return request
    }

    private static func kafka(_ reader: ConfigReader, _ context: TestFile.Context) -> OfflineKafkaMessage? {
        let diagnostics = context.diagnostics
        let errorsBefore = diagnostics.errorCount
        let topic = reader.string("kafka", required: true)
        let key = reader.string("key").map { Array($0.utf8) }
        let headers = Self.headers(reader, context)
        let value = payload(reader, text: "value", file: "value_file", context) ?? []
        guard diagnostics.errorCount == errorsBefore, let topic else { return nil }
        return OfflineKafkaMessage(topic: topic, key: key, headers: headers, value: value)
    }

    /// `headers:`, a mapping of names to a value (or a list of values, sent as repeated fields), in file order.
    static func headers(_ reader: ConfigReader, _ context: TestFile.Context) -> [Header] {
        guard let block = reader.mapping("headers") else { return [] }
        var headers: [Header] = []
        for name in block.keys {
            for value in block.strings(name, required: true) ?? [] {
                headers.append(Header(name, value))
            }
        }
        return headers
    }

    /// Bytes given inline under `text` or read from the file named under `file` (not both); nil when neither.
    static func payload(_ reader: ConfigReader, text: String, file: String, _ context: TestFile.Context) -> [UInt8]? {
        switch (reader.value(text), reader.value(file)) {
        case (let inline?, nil):
            return inline.string(context.diagnostics).map { Array($0.utf8) }
        case (nil, let named?):
            return named.string(context.diagnostics).flatMap { context.readBytes($0, at: named) }
        case (_?, let named?):
            context.diagnostics.error("give \(text): or \(file):, not both", at: named)
            return nil
        case (nil, nil):
            return nil
        }
    }
}
