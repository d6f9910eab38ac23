import SwitchboardCore

/// The fixed secrets and clock of the plugin targets: known to the harness, so it can sign requests.
enum PluginSecrets {
    /// Now, for every plugin's timestamp window: 2027-01-15T08:00:00Z.
    static let nowMillis: Int64 = 1_800_000_000_000
    /// Now in the forms providers sign.
    static let nowSeconds = "1800000000"
    static let nowMillisText = "1800000000000"
    static let nowRFC3339 = "2027-01-15T08:00:00Z"

    /// The variables the plugin configurations read their secrets from.
    static let environment: [String: String] = [
        "POLYAI_KEY": "polyai-fuzz-key",
        "MAPPING_HMAC": "mapping-hmac-secret",
        "MAPPING_HMAC_2": "mapping-hmac-secret-2",
        "MAPPING_TOKEN": "mapping-token",
        "MAPPING_PASSWORD": "mapping-password",
        "STRIPE_SECRET": "whsec_fuzz",
        "STRIPE_SECRET_OLD": "whsec_fuzz_old",
        "HUBSPOT_SECRET": "hubspot-client-secret",
        "TWILIO_TOKEN": "twilio-auth-token",
        "ZENDESK_SECRET": "zendesk-signing-secret",
    ]

    /// The UTF-8 bytes of a secret.
    static func key(_ name: String) -> [UInt8] {
        Array(environment[name, default: ""].utf8)
    }
}
