import Foundation

/// Settings of the webhook listener: `webhook: { max_body: 1MiB, max_headers: 100, read_timeout: 10s, … }`.
///
/// Every limit has a clear reply: a body too large gets `413`, too many or too large headers `431`, too many query
/// parameters or form fields or too deep a document `400` with a one-line reason.
public struct WebhookConfig: Sendable, Hashable {
    /// The largest request body accepted when the configuration leaves it out: 1 MiB.
    public static let defaultMaxBodyBytes = 1 << 20
    /// The largest value `max_body` may take: 1 GiB.
    public static let maximumMaxBodyBytes = 1 << 30

    /// The largest request body accepted; larger requests get `413`.
    public var maxBodyBytes: Int
    /// The most header fields one request may carry; more get `431`.
    public var maxHeaders: Int
    /// The most bytes all header names and values of one request may take together; more get `431`.
    public var maxHeaderBytes: Int
    /// The most query-string parameters one request may carry; more get `400`.
    public var maxQueryParameters: Int
    /// The most fields a form body may hold; more get `400`.
    public var maxFormFields: Int
    /// The deepest nesting a JSON or XML body may have; deeper bodies get `400`.
    public var maxDepth: Int
    /// How long a client may take to send a whole request (headers and body), and how long an idle keep-alive
    /// connection is kept; a slower client is disconnected.
    public var readTimeout: Duration
    /// The most connections the listener holds at once; further clients wait in the accept backlog.
    public var maxConnections: Int
    /// Whether `X-Forwarded-Proto` and `X-Forwarded-Host` are believed when the URL a provider signed is rebuilt.
    /// Only behind a proxy that sets them: otherwise any caller could choose the URL that is verified.
    public var trustForwardedHeaders: Bool
    /// HTTPS on the listener itself (`webhook.tls`); nil for plain HTTP behind a TLS-terminating proxy.
    public var tls: TLSFiles?
    /// Where an accepted webhook is made durable before it is acknowledged (`journal`, default `sqlite`).
    public var journal: Journal
    /// With `journal: kafka`: the topic each External Event of a webhook is produced to (`topic`).
    public var topic: String
    /// With `journal: kafka`: how long the broker may take to acknowledge a request's records before `503`.
    public var ackTimeout: Duration

    /// Where accepted webhooks are made durable.
    public enum Journal: String, Sendable, Hashable {
        /// The embedded SQLite journal of this instance.
        case sqlite
        /// A Kafka topic (acks=all, idempotent producer), delivered by the consumer group: any instance delivers.
        case kafka
    }

    /// A PEM certificate chain and its private key, re-read when either file changes.
    public struct TLSFiles: Sendable, Hashable {
        /// The certificate chain (PEM), absolute.
        public var certFile: String
        /// The private key (PEM), absolute.
        public var keyFile: String

        /// Names the two files.
        public init(certFile: String, keyFile: String) {
            self.certFile = certFile
            self.keyFile = keyFile
        }
    }

    /// Creates webhook settings.
    public init(
        maxBodyBytes: Int = defaultMaxBodyBytes,
        maxHeaders: Int = 100,
        maxHeaderBytes: Int = 16 << 10,
        maxQueryParameters: Int = 100,
        maxFormFields: Int = 1000,
        maxDepth: Int = 64,
        readTimeout: Duration = .seconds(10),
        maxConnections: Int = 1024,
        trustForwardedHeaders: Bool = false,
        tls: TLSFiles? = nil,
        journal: Journal = .sqlite,
        topic: String = "switchboard.webhooks",
        ackTimeout: Duration = .seconds(2)
    ) {
        self.journal = journal
        self.topic = topic
        self.ackTimeout = ackTimeout
        self.maxBodyBytes = maxBodyBytes
        self.maxHeaders = maxHeaders
        self.maxHeaderBytes = maxHeaderBytes
        self.maxQueryParameters = maxQueryParameters
        self.maxFormFields = maxFormFields
        self.maxDepth = maxDepth
        self.readTimeout = readTimeout
        self.maxConnections = maxConnections
        self.trustForwardedHeaders = trustForwardedHeaders
        self.tls = tls
    }
}

extension WebhookConfig {

    /// Reads the `webhook` block (absent means defaults).
    static func read(_ reader: ConfigReader?, _ context: ConfigContext) -> WebhookConfig? {
        guard let reader else { return WebhookConfig() }
        let mark = context.errorMark
        var result = WebhookConfig()
        result.maxBodyBytes = size(reader, "max_body", within: 1...maximumMaxBodyBytes, "1B to 1GiB") ?? result.maxBodyBytes
        result.maxHeaderBytes = size(reader, "max_header_bytes", within: 1024...(1 << 20), "1KiB to 1MiB") ?? result.maxHeaderBytes
        result.maxHeaders = reader.int("max_headers", range: 1...10_000) ?? result.maxHeaders
        result.maxQueryParameters = reader.int("max_query_params", range: 0...10_000) ?? result.maxQueryParameters
        result.maxFormFields = reader.int("max_form_fields", range: 1...1_000_000) ?? result.maxFormFields
        result.maxDepth = reader.int("max_depth", range: 1...64) ?? result.maxDepth
        result.maxConnections = reader.int("max_connections", range: 1...1_000_000) ?? result.maxConnections
        result.trustForwardedHeaders = reader.bool("trust_forwarded_headers") ?? result.trustForwardedHeaders
        if let node = reader.value("read_timeout"), let timeout = node.duration(context.diagnostics) {
            if timeout >= .milliseconds(100), timeout <= .seconds(3600) {
                result.readTimeout = timeout
            } else {
                context.diagnostics.error("expected a read timeout from 100ms to 1h", at: node)
            }
        }
        if let tls = reader.mapping("tls") {
            result.tls = readTLS(tls, context)
        }
        if let journal = reader.oneOf("journal", ["sqlite", "kafka"]).flatMap(Journal.init(rawValue:)) {
            result.journal = journal
        }
        if let node = reader.value("topic"), let topic = node.string(context.diagnostics) {
            if topic.range(of: "^[A-Za-z0-9._-]{1,249}$", options: .regularExpression) == nil {
                context.diagnostics.error("expected a Kafka topic name (letters, digits, '.', '_', '-'; at most 249)", at: node)
            } else {
                result.topic = topic
            }
        }
        if let node = reader.value("ack_timeout"), let timeout = node.duration(context.diagnostics) {
            if timeout >= .milliseconds(100), timeout <= .seconds(60) {
                result.ackTimeout = timeout
            } else {
                context.diagnostics.error("expected an acknowledgement timeout from 100ms to 1m", at: node)
            }
        }
        reader.finish()
        return context.hasErrors(since: mark) ? nil : result
    }

    /// Reads `tls: { cert_file, key_file }`; both files must exist and hold PEM text (parsed fully at start).
    private static func readTLS(_ reader: ConfigReader, _ context: ConfigContext) -> TLSFiles? {
        let certNode = reader.value("cert_file", required: true)
        let keyNode = reader.value("key_file", required: true)
        reader.finish()
        func pemFile(_ node: ConfigNode?, _ what: String) -> String? {
            guard let node, let path = node.string(context.diagnostics) else { return nil }
            let absolute = context.absolute(path)
            guard let data = FileManager.default.contents(atPath: absolute) else {
                context.diagnostics.error("cannot read the \(what) file \(TextEscaping.quoted(absolute, limit: 200))", at: node)
                return nil
            }
            guard data.range(of: Data("-----BEGIN ".utf8)) != nil else {
                context.diagnostics.error("the \(what) file is not PEM (no -----BEGIN line)", at: node)
                return nil
            }
            return absolute
        }
        let cert = pemFile(certNode, "certificate")
        let key = pemFile(keyNode, "private key")
        guard let cert, let key else { return nil }
        return TLSFiles(certFile: cert, keyFile: key)
    }

    private static func size(_ reader: ConfigReader, _ key: String, within range: ClosedRange<Int>, _ words: String) -> Int? {
        guard let node = reader.value(key), let bytes = node.byteSize(reader.diagnostics) else { return nil }
        guard range.contains(bytes) else {
            reader.diagnostics.error("expected a size from \(words)", at: node)
            return nil
        }
        return bytes
    }
}
