import Crypto

/// The keyed hashes provider signature schemes use, over raw bytes.
public enum HMACDigest: String, Sendable, CaseIterable {
    /// HMAC-SHA256 (Stripe, HubSpot v3, Zendesk).
    case sha256
    /// HMAC-SHA1 (Twilio).
    case sha1
    /// HMAC-SHA512 (offered by `mapping`'s generic check).
    case sha512

    /// The authentication code of `message` under `key`.
    public func code(key: [UInt8], message: [UInt8]) -> [UInt8] {
        let symmetric = SymmetricKey(data: key)
        switch self {
        case .sha256: return Array(HMAC<SHA256>.authenticationCode(for: message, using: symmetric))
        case .sha1: return Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: symmetric))
        case .sha512: return Array(HMAC<SHA512>.authenticationCode(for: message, using: symmetric))
        }
    }

    /// The plain SHA-256 digest of `data` (Twilio's `bodySHA256` for JSON bodies).
    public static func sha256(_ data: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: data))
    }
}
