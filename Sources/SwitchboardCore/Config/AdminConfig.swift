/// The admin listener (`/healthz`, `/readyz`, `/metrics`, the status page): `admin: 127.0.0.1:9090`, or
/// `admin: { listen: 127.0.0.1:9090, token: "${ADMIN_TOKEN}" }`.
///
/// With a token, every admin request except `/healthz`, `/readyz` and `/metrics` needs `Authorization: Bearer TOKEN`
/// or the status page's session cookie. The token is never printed (`description` masks it).
public struct AdminConfig: Sendable, Hashable, CustomStringConvertible {
    /// Where the admin listener listens.
    public var listen: HostPort
    /// The token admin requests must carry, when one is set.
    public var token: String?

    /// Creates admin settings.
    public init(listen: HostPort = SwitchboardConfig.defaultAdmin, token: String? = nil) {
        self.listen = listen
        self.token = token
    }

    /// The listener's host.
    public var host: String { listen.host }
    /// The listener's port (0 asks the system for a free one).
    public var port: Int { listen.port }

    /// The address, and whether a token is set (never the token itself).
    public var description: String {
        token == nil ? listen.description : "\(listen) (token set)"
    }
}

extension AdminConfig {
    /// Reads `admin`: absent (the default address), an address, or a mapping with `listen` and `token`.
    static func read(_ node: ConfigNode?, _ context: ConfigContext) -> AdminConfig {
        let diagnostics = context.diagnostics
        guard let node, !node.isNull else { return AdminConfig() }
        switch node.kind {
        case .mapping:
            let reader = ConfigReader(node: node, diagnostics: diagnostics)
            let listen = reader.value("listen").flatMap { HostPort.read($0, diagnostics) } ?? SwitchboardConfig.defaultAdmin
            var token: String?
            if let tokenNode = reader.value("token"), let text = tokenNode.string(diagnostics) {
                if text.isEmpty {
                    diagnostics.error("must not be empty (leave token out for no token)", at: tokenNode)
                } else if text.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) {
                    diagnostics.error("must not contain spaces or control characters", at: tokenNode)
                } else {
                    token = text
                }
            }
            reader.finish()
            return AdminConfig(listen: listen, token: token)
        case .scalar:
            return AdminConfig(listen: HostPort.read(node, diagnostics) ?? SwitchboardConfig.defaultAdmin)
        case .sequence, .null:
            if !node.interpolationFailed {
                diagnostics.error("expected host:port, or a mapping with listen and token", at: node)
            }
            return AdminConfig()
        }
    }

    /// Warns when the admin listener is reachable from other machines without a token: anyone who can reach it
    /// could read the status page and replay dead letters.
    static func warnIfExposed(_ admin: AdminConfig, node: ConfigNode?, _ diagnostics: ConfigDiagnostics) {
        guard admin.token == nil, !PolyAIConfig.isLoopback(admin.host) else { return }
        diagnostics.warning(
            "the admin listener (\(admin.listen)) is not on loopback and has no token: anyone who can reach it can read "
                + "the status page and replay dead letters; set admin: { listen: …, token: \"${ADMIN_TOKEN}\" }",
            path: "admin",
            position: node?.position
        )
    }
}
