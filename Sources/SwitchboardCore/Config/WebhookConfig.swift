/// Settings of the webhook listener: `webhook: { max_body: 1MiB }`.
public struct WebhookConfig: Sendable, Hashable {
    /// The largest request body accepted when the configuration leaves it out: 1 MiB.
    public static let defaultMaxBodyBytes = 1 << 20
    /// The largest value `max_body` may take: 1 GiB.
    public static let maximumMaxBodyBytes = 1 << 30

    /// The largest request body accepted; larger requests get `413`.
    public var maxBodyBytes: Int

    /// Creates webhook settings.
    public init(maxBodyBytes: Int = defaultMaxBodyBytes) {
        self.maxBodyBytes = maxBodyBytes
    }
}

extension WebhookConfig {
    /// Reads the `webhook` block (absent means defaults).
    static func read(_ reader: ConfigReader?, _ context: ConfigContext) -> WebhookConfig? {
        guard let reader else { return WebhookConfig() }
        var result = WebhookConfig()
        var valid = true
        if let node = reader.value("max_body") {
            if let bytes = node.byteSize(context.diagnostics) {
                if (1...maximumMaxBodyBytes).contains(bytes) {
                    result.maxBodyBytes = bytes
                } else {
                    context.diagnostics.error("expected a size from 1B to 1GiB", at: node)
                    valid = false
                }
            } else {
                valid = false
            }
        }
        reader.finish()
        return valid ? result : nil
    }
}
