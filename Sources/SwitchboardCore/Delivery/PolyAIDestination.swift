import Synchronization

/// Where and how one integration posts: the External Events endpoint, its workspace and agent, and its own key.
public struct PolyAIDestination: Sendable {
    /// `https://api.{region}.platform.polyai.app`, or a loopback sandbox.
    public var baseURL: String
    /// The workspace (`ws-…`).
    public var accountID: String
    /// The agent (`PROJECT-…`).
    public var projectID: String
    /// The integration's key; swapped in place on rotation.
    public var key: KeyHolder
    /// Per-request timeout.
    public var timeout: Duration

    /// Makes a destination.
    public init(baseURL: String, accountID: String, projectID: String, key: KeyHolder, timeout: Duration = .seconds(10)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.accountID = accountID
        self.projectID = projectID
        self.key = key
        self.timeout = timeout
    }

    /// The webhook URL without query parameters.
    public var webhookURL: String { baseURL + "/v1/external-events/webhook" }

    /// Builds the request that posts `event`: the four query parameters, the key, the content type, and the id
    /// itself in a header or query parameter when that is where the event says it travels.
    public func request(for event: ExternalEvent) -> OutboundRequest {
        var url = webhookURL
        url.reserveCapacity(url.utf8.count + 160)
        url += "?event_id_location=" + event.idLocation.locationName
        url += "&event_id_path=" + PercentEncoding.encode(event.idLocation.path)
        url += "&account_id=" + PercentEncoding.encode(accountID)
        url += "&project_id=" + PercentEncoding.encode(projectID)
        var headers = [Header("X-Api-Key", key.current.value), Header("Content-Type", event.contentType)]
        switch event.idLocation {
        case .header(let name):
            headers.append(Header(name, event.eventID))
        case .query(let name):
            url += "&" + PercentEncoding.encode(name) + "=" + PercentEncoding.encode(event.eventID)
        case .payload:
            break
        }
        return OutboundRequest(url: url, headers: headers, body: event.body, timeout: timeout)
    }
}

/// Holds an integration's current key; rotation replaces it while requests already built keep the old one.
public final class KeyHolder: Sendable {
    private let key: Mutex<APIKey>

    /// Holds `key`.
    public init(_ key: APIKey) {
        self.key = Mutex(key)
    }

    /// The key to use for the next request.
    public var current: APIKey { key.withLock { $0 } }

    /// Replaces the key for requests built from now on.
    public func replace(with newKey: APIKey) {
        key.withLock { $0 = newKey }
    }
}

/// Percent-encoding of query-string components (RFC 3986 unreserved characters pass through).
public enum PercentEncoding {
    /// Encodes everything but `A–Z a–z 0–9 - . _ ~`.
    public static func encode(_ text: String) -> String {
        var needs = false
        for byte in text.utf8 where !isUnreserved(byte) {
            needs = true
            break
        }
        guard needs else { return text }
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 3)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                out.append(byte)
            } else {
                out.append(37)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `%XX` escapes and, when `plusAsSpace`, `+` as a space (form encoding).
    public static func decode(_ text: Substring, plusAsSpace: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 37, index + 2 < bytes.count, let h = hexValue(bytes[index + 1]), let l = hexValue(bytes[index + 2]) {
                out.append(h << 4 | l)
                index += 3
                continue
            }
            out.append(byte == 43 && plusAsSpace ? 32 : byte)
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57)
            || byte == 45 || byte == 46 || byte == 95 || byte == 126
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: byte - 48
        case 65...70: byte - 55
        case 97...102: byte - 87
        default: nil
        }
    }
}
