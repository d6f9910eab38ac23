/// Finds integrations that verify a signature over the request URL (HubSpot v3, Twilio) without `options.public_url`
/// on a listener bound to a non-loopback address. A warning, not an error: the URL is then rebuilt from the
/// request's `Host`, which is right only when callers reach Switchboard directly, under the name they signed.
enum PublicURLCheck {
    /// The plugins whose signatures cover the URL.
    static let urlSigningPlugins: Set<String> = ["hubspot", "twilio"]

    /// One warning per such integration, at its `plugin` key.
    static func warn(listen: HostPort, integrations: [IntegrationConfig], _ diagnostics: ConfigDiagnostics) {
        guard !PolyAIConfig.isLoopback(listen.host) else { return }
        for integration in integrations where urlSigningPlugins.contains(integration.plugin) {
            if let entry = integration.options?.entry("public_url"), !entry.value.isNull { continue }
            diagnostics.warning(
                "\(integration.plugin) signs the URL it calls, and this listener (\(listen)) is not on loopback: set "
                    + "options.public_url to that URL (behind a proxy or load balancer the Host Switchboard sees differs)",
                path: integration.path + ".plugin",
                position: integration.position
            )
        }
    }
}
