import HubSpot
import Mapping
import Salesforce
import Stripe
import SwitchboardCore
import Twilio
import Zendesk

/// 2027-01-15T08:00:00Z, where every test clock starts (the ManualClock default).
let testNowMillis: Int64 = 1_800_000_000_000

/// An inbound webhook request as the listener builds it.
func inbound(
    _ body: String,
    headers: [Header] = [],
    query: [Header] = [],
    url: String? = nil,
    receivedAt: Int64 = testNowMillis
) -> InboundEvent {
    inbound(Array(body.utf8), headers: headers, query: query, url: url, receivedAt: receivedAt)
}

/// An inbound webhook request with a raw body.
func inbound(_ body: [UInt8], headers: [Header] = [], query: [Header] = [], url: String? = nil, receivedAt: Int64 = testNowMillis) -> InboundEvent {
    var query = query
    if query.isEmpty, let url, let question = url.firstIndex(of: "?") {
        query = FormBody.parse(url[url.index(after: question)...])
    }
    return InboundEvent(
        source: .webhook(path: "/hooks/test"), route: "r", headers: headers, query: query, body: body,
        receivedAtMillis: receivedAt, requestURL: url
    )
}

/// Base64 HMAC of a text, as providers put it in headers (HMACDigest itself is checked against RFC vectors).
func base64HMAC(_ digest: HMACDigest, key: String, _ message: String) -> String {
    SignatureText.base64Text(digest.code(key: Array(key.utf8), message: Array(message.utf8)))
}

/// Hex HMAC of a text.
func hexHMAC(_ digest: HMACDigest, key: String, _ message: String) -> String {
    SignatureText.hexText(digest.code(key: Array(key.utf8), message: Array(message.utf8)))
}

/// The text of a body.
func text(_ bytes: [UInt8]) -> String {
    String(decoding: bytes, as: UTF8.self)
}

/// What building one integration from YAML gave: the integration and every issue (config and plugin options).
struct BuiltIntegration {
    var integration: (any Integration)?
    var issues: [ConfigIssue]

    /// The errors only.
    var errors: [ConfigIssue] { issues.filter { $0.severity == .error } }
    /// The warnings only.
    var warnings: [ConfigIssue] { issues.filter { $0.severity == .warning } }
}

/// The line of the first option in `configYAML` (options start right below `options:`).
let firstOptionLine = 8

/// A whole configuration with one integration `a` of `plugin`, whose `options:` block is `options` (indented by
/// the caller's text at column 1; it is re-indented here).
func configYAML(plugin: String, options: String) -> String {
    let indented = options.split(separator: "\n", omittingEmptySubsequences: false).map { "      " + $0 }.joined(separator: "\n")
    return """
    polyai: { endpoint: http://127.0.0.1:9300, account_id: ws-1 }
    integrations:
      a:
        plugin: \(plugin)
        project_id: PROJECT-1
        key: { env: K, agents: [PROJECT-1], permissions: [external_events] }
        options:
    \(indented)
    routes:
      - from: { webhook: /a }
        to: a
    """
}

/// Loads the configuration with `ConfigLoader` and builds integration `a` through a registry holding every plugin.
func build(plugin: String, options: String, environment: [String: String] = [:], clock: ManualClock = ManualClock()) -> BuiltIntegration {
    var environment = environment
    environment["K"] = "polyai-key"
    let loaded = ConfigLoader.load(yaml: configYAML(plugin: plugin, options: options), file: "p.yaml", environment: environment)
    var registry = IntegrationRegistry()
    MappingIntegration.register(in: &registry, clock: clock)
    StripeIntegration.register(in: &registry, clock: clock)
    HubSpotIntegration.register(in: &registry, clock: clock)
    TwilioIntegration.register(in: &registry)
    SalesforceIntegration.register(in: &registry)
    ZendeskIntegration.register(in: &registry, clock: clock)
    let diagnostics = ConfigDiagnostics(issues: loaded.issues)
    let built = registry.build(loaded.integrations, diagnostics: diagnostics)
    return BuiltIntegration(integration: built["a"], issues: diagnostics.issues)
}

extension Verification {
    /// The logged reason of a rejection; nil when accepted.
    var reason: String? {
        if case .rejected(let reason) = self { return reason }
        return nil
    }
}
