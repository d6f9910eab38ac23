/// The headers that are never stored at rest (journal, dead letters): credentials a caller sent, and each
/// integration's signature headers. Verification reads them before anything is stored; nothing needs them after.
public enum CredentialHeaders {
    /// Dropped for every integration and source.
    public static let always: Set<String> = ["authorization", "proxy-authorization", "cookie", "x-api-key"]

    /// `headers` without the credentials `integration` names and `always`, but with those it keeps at rest.
    public static func storable(_ headers: [Header], for integration: (any Integration)?) -> [Header] {
        let extra = integration.map { Set($0.credentialHeaders.map { $0.lowercased() }) } ?? []
        let kept = integration.map { Set($0.headersKeptAtRest.map { $0.lowercased() }) } ?? []
        guard headers.contains(where: { isCredential($0.name, extra) }) else { return headers }
        return headers.filter { header in
            let name = header.name.lowercased()
            return kept.contains(name) || !isCredential(name, extra)
        }
    }

    private static func isCredential(_ name: String, _ extra: Set<String>) -> Bool {
        let lower = name.lowercased()
        return always.contains(lower) || extra.contains(lower)
    }
}

extension InboundEvent {
    /// The event as it may be stored: without credential and signature headers (see `CredentialHeaders`).
    public func storable(for integration: (any Integration)?) -> InboundEvent {
        var copy = self
        copy.headers = CredentialHeaders.storable(headers, for: integration)
        return copy
    }
}
