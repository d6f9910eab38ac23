/// Shared constants of the provider plugins (Stripe, HubSpot, Twilio, Salesforce, Zendesk) and `mapping`.
///
/// The pieces a plugin is built from live next to this namespace: `SigningSecrets` (the `signing_secret` option and
/// HMAC checks), `TimestampWindow` (replay protection with an injected clock), `EventIDSelector` (the `event_id`
/// option), `BodySelector` (the `body` option), `XMLBody` (a small, safe XML reader) and `PublicURL`.
public enum PluginKit {
    /// The header that carries the external event id when the outbound body does not.
    public static let idHeader = "X-External-Event-Id"

    /// The default allowed distance between a signed timestamp and now (5 minutes), as providers recommend.
    public static let defaultTolerance: Duration = .seconds(300)

    /// The largest inbound body a plugin reads; larger bodies are `bad_payload`, never parsed.
    public static let maxBodyBytes = 8 << 20

    /// The most events one batch (HubSpot array, Salesforce notifications) may hold.
    public static let maxBatchEvents = 1_000

    /// A delivery identity made from signed bytes: `scheme:` and the hex SHA-256 of `signed`. A re-send of the same
    /// signed content has the same identity, and nothing outside the signature can change it.
    public static func fingerprint(_ scheme: String, of signed: [UInt8]) -> String {
        let hex: [Character] = Array("0123456789abcdef")
        var out = scheme + ":"
        for byte in HMACDigest.sha256(signed) {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0x0F)])
        }
        return out
    }

    /// Refuses bodies larger than `maxBodyBytes`.
    public static func checkSize(_ body: [UInt8]) throws(MappingFailure) {
        guard body.count <= maxBodyBytes else {
            throw .badPayload("body of \(body.count) bytes is larger than the \(maxBodyBytes) bytes a plugin reads")
        }
    }
}
