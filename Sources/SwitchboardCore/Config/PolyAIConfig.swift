import Foundation

/// Where events are delivered: a PolyAI region, or an endpoint such as the local sandbox.
public struct PolyAIConfig: Sendable, Hashable {
    /// The PolyAI regions the External Events API runs in.
    public static let regions = ["us-1", "uk-1", "euw-1"]

    /// A region of PolyAI's platform, or an explicit endpoint (a sandbox or proxy).
    public enum Destination: Sendable, Hashable {
        /// One of `PolyAIConfig.regions`.
        case region(String)
        /// An http(s) URL; plain http only to a loopback address.
        case endpoint(String)
    }

    /// Where events go.
    public var destination: Destination
    /// The workspace id (`ws-…`) sent as `account_id`.
    public var accountID: String
    /// The outbound proxy (`polyai.proxy`, e.g. `http://proxy.internal:3128`), or nil for a direct connection.
    /// Only this setting sends requests through a proxy: `http_proxy`/`https_proxy` in the environment are ignored,
    /// so a key never crosses a proxy nobody configured.
    public var proxy: String?
    /// Where the `polyai` block is.
    public var position: ConfigPosition?

    /// Creates the PolyAI settings.
    public init(destination: Destination, accountID: String, proxy: String? = nil, position: ConfigPosition?) {
        self.destination = destination
        self.accountID = accountID
        self.proxy = proxy
        self.position = position
    }

    /// The URL the External Events path is appended to, without a trailing slash.
    public var baseURL: String {
        switch destination {
        case .region(let region):
            return "https://api.\(region).platform.polyai.app"
        case .endpoint(let endpoint):
            var trimmed = Substring(endpoint)
            while trimmed.hasSuffix("/") {
                trimmed = trimmed.dropLast()
            }
            return String(trimmed)
        }
    }
}

extension PolyAIConfig {
    /// Reads the `polyai` block.
    static func read(_ reader: ConfigReader, _ context: ConfigContext) -> PolyAIConfig? {
        let diagnostics = context.diagnostics
        let regionNode = reader.value("region")
        let endpointNode = reader.value("endpoint")
        let region = regionNode?.oneOf(regions, diagnostics)
        let endpoint = endpointNode.flatMap { node in
            node.string(diagnostics).flatMap { checkEndpoint($0, node, diagnostics) }
        }
        let accountNode = reader.value("account_id", required: true)
        let accountID = accountNode?.string(diagnostics)
        let proxyNode = reader.value("proxy")
        let proxy = proxyNode.flatMap { node in node.string(diagnostics).flatMap { checkProxy($0, node, diagnostics) } }
        reader.finish()
        if proxyNode != nil, proxy == nil { return nil }

        if let accountNode, let accountID {
            if accountID.isEmpty {
                diagnostics.error("must not be empty", at: accountNode)
            } else if !accountID.hasPrefix("ws-") {
                diagnostics.warning("PolyAI workspace ids start with 'ws-'", at: accountNode)
            }
        }

        let destination: Destination?
        switch (regionNode, endpointNode) {
        case (.some, .some(let node)):
            diagnostics.error("set either region or endpoint, not both", at: node)
            destination = nil
        case (.none, .none):
            diagnostics.error(
                "set region (one of: \(regions.joined(separator: ", "))) or endpoint",
                path: reader.path,
                position: reader.position
            )
            destination = nil
        case (.some, .none):
            destination = region.map(Destination.region)
        case (.none, .some):
            destination = endpoint.map(Destination.endpoint)
        }
        guard let destination, let accountID, !accountID.isEmpty else { return nil }
        return PolyAIConfig(destination: destination, accountID: accountID, proxy: proxy, position: reader.position)
    }

    /// A proxy URL libcurl understands: `http://`, `https://`, `socks5://` or `socks5h://` with a host, no path.
    private static func checkProxy(_ text: String, _ node: ConfigNode, _ diagnostics: ConfigDiagnostics) -> String? {
        let schemes = ["http", "https", "socks5", "socks5h"]
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), schemes.contains(scheme),
              let host = url.host, !host.isEmpty, url.query == nil, url.fragment == nil, url.path.isEmpty || url.path == "/",
              !text.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F })
        else {
            diagnostics.error("expected a proxy URL such as http://proxy.internal:3128 (http, https, socks5 or socks5h; no path)", at: node)
            return nil
        }
        return text
    }

    /// The endpoint when it is a usable http(s) URL; otherwise records why not and returns nil.
    private static func checkEndpoint(_ text: String, _ node: ConfigNode, _ diagnostics: ConfigDiagnostics) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let rawHost = url.host, !rawHost.isEmpty
        else {
            diagnostics.error("expected an http or https URL, such as http://127.0.0.1:9300", at: node)
            return nil
        }
        var host = rawHost.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        }
        while host.hasSuffix(".") {
            host.removeLast()
        }
        if url.user != nil || url.password != nil {
            diagnostics.error("the endpoint must not contain credentials", at: node)
            return nil
        }
        if url.query != nil || url.fragment != nil {
            diagnostics.error("the endpoint must not contain a query or fragment", at: node)
            return nil
        }
        if host == "api.poly.ai" {
            diagnostics.error("use region: us-1|uk-1|euw-1", at: node)
            return nil
        }
        if scheme == "http", !isLoopback(host) {
            diagnostics.error(
                "plain http is allowed only to a loopback sandbox (127.0.0.0/8, ::1, localhost): use https",
                at: node
            )
            return nil
        }
        return text
    }

    /// Whether a host names this machine: `localhost`, `127.0.0.0/8` or `::1`.
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" {
            return true
        }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return false }
        let values = octets.compactMap { octet -> Int? in
            guard !octet.isEmpty, octet.count <= 3, octet.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(octet)
        }
        return values.count == 4 && values[0] == 127 && values.allSatisfy { $0 <= 255 }
    }
}
