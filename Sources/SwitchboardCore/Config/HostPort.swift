/// An address to listen on: `127.0.0.1:8080`, `[::1]:8080`, `localhost:8080`, or `:8080` for every IPv4 interface.
public struct HostPort: Sendable, Hashable, CustomStringConvertible {
    /// The host name or IP address, without brackets; `0.0.0.0` when the text left it out.
    public var host: String
    /// The TCP port; 0 asks the system for a free one.
    public var port: Int

    /// Creates an address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// The address as written in a configuration (IPv6 hosts in brackets).
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Parses `host:port`, `[v6]:port` or `:port`; nil for anything else.
    public static func parse(_ text: String) -> HostPort? {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":"), !host.isEmpty, host.contains(":") else { return nil }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            guard !host.contains(":") else { return nil }
        }
        guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = Int(portText), (0...65_535).contains(port)
        else { return nil }
        let forbidden: Set<Character> = ["/", "@", "?", "#", "[", "]", " ", "\t"]
        guard !host.contains(where: { forbidden.contains($0) || $0.isNewline }) else { return nil }
        return HostPort(host: host.isEmpty ? "0.0.0.0" : String(host), port: port)
    }

    /// Reads an address from a node, recording an error when it is not one.
    static func read(_ node: ConfigNode, _ diagnostics: ConfigDiagnostics) -> HostPort? {
        let expectation = "expected host:port, such as 127.0.0.1:8080, [::1]:8080 or :8080"
        guard let text = node.scalarText(expected: expectation, diagnostics) else { return nil }
        guard let address = parse(text) else {
            diagnostics.error(expectation, at: node)
            return nil
        }
        return address
    }
}
