import SwitchboardCore

/// What a dead letter of an External Event keeps besides its body: where its id travels, so a replay posts it as before.
enum DeadLetterMetadata {
    /// `external:<location>:<path>`, e.g. `external:payload:cid`.
    static func encode(_ event: ExternalEvent) -> [UInt8] {
        Array("external:\(event.idLocation.locationName):\(event.idLocation.path)".utf8)
    }

    /// The id location of a dead letter written by `encode`; nil for dead letters of inbound events.
    static func idLocation(_ metadata: [UInt8]) -> EventIDLocation? {
        let text = String(decoding: metadata, as: UTF8.self)
        let parts = text.split(separator: ":", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[0] == "external" else { return nil }
        switch parts[1] {
        case "headers": return .header(parts[2])
        case "querystring": return .query(parts[2])
        case "payload": return .payload(parts[2])
        default: return nil
        }
    }
}
