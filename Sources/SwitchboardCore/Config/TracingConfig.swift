import Foundation

/// Where spans are exported: `tracing: { otlp: http://127.0.0.1:4318, service_name: switchboard }`. Off without it.
public struct TracingConfig: Sendable, Hashable {
    /// The OTLP/HTTP endpoint of a collector; spans are posted to `<otlp>/v1/traces` (OTLP JSON).
    public var otlp: String
    /// The `service.name` resource attribute.
    public var serviceName: String

    /// Makes tracing settings.
    public init(otlp: String, serviceName: String = "switchboard") {
        self.otlp = otlp
        self.serviceName = serviceName
    }

    /// The URL spans are posted to.
    public var tracesURL: String {
        let base = otlp.hasSuffix("/") ? String(otlp.dropLast()) : otlp
        return base.hasSuffix("/v1/traces") ? base : base + "/v1/traces"
    }
}

extension TracingConfig {
    /// Reads the `tracing` block (absent: tracing off).
    static func read(_ reader: ConfigReader?, _ context: ConfigContext) -> TracingConfig? {
        guard let reader else { return nil }
        let mark = context.errorMark
        let node = reader.value("otlp", required: true)
        let otlp = node?.string(context.diagnostics)
        let serviceName = reader.string("service_name") ?? "switchboard"
        reader.finish()
        if let node, let otlp {
            let url = URL(string: otlp)
            let scheme = url?.scheme?.lowercased()
            if url?.host == nil || (scheme != "http" && scheme != "https") || otlp.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) {
                context.diagnostics.error("expected the http or https URL of an OTLP/HTTP collector, such as http://127.0.0.1:4318", at: node)
            }
        }
        if serviceName.isEmpty {
            context.diagnostics.error("must not be empty", path: reader.path(of: "service_name"), position: reader.position)
        }
        guard !context.hasErrors(since: mark), let otlp else { return nil }
        return TracingConfig(otlp: otlp, serviceName: serviceName)
    }
}
