/// Finds webhook routes that anyone who can reach the listener may post to: a route to a `mapping` integration
/// without `options.verify`, on a listener bound to a non-loopback address. A warning, not an error: a private
/// network or a verifying proxy in front may be all the protection an operator wants.
enum UnverifiedWebhookCheck {
    /// One warning per such route, at the route's webhook path.
    static func warn(listen: HostPort, integrations: [IntegrationConfig], routes: [RouteConfig], _ diagnostics: ConfigDiagnostics) {
        guard !PolyAIConfig.isLoopback(listen.host) else { return }
        let unverified = Set(integrations.filter { $0.plugin == "mapping" && !hasVerify($0.options) }.map(\.name))
        for route in routes where unverified.contains(route.integration) {
            guard case .webhook(let path) = route.source else { continue }
            diagnostics.warning(
                "webhook route \(path) goes to mapping integration '\(route.integration)' without options.verify on a "
                    + "non-loopback listener (\(listen)): anyone who can reach it can post events",
                path: route.path,
                position: route.sourcePosition ?? route.position
            )
        }
    }

    /// Whether an options block holds a `verify` value.
    private static func hasVerify(_ options: ConfigNode?) -> Bool {
        guard let entry = options?.entry("verify") else { return false }
        return !entry.value.isNull
    }
}
