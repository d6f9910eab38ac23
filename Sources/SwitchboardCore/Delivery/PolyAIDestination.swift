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

    /// Builds the request that posts `event`: the four query parameters, the key, the content type, the id itself
    /// in a header or query parameter when that is where the event says it travels, and the event's trace with
    /// `spanID` (the attempt's span) as the parent (a new span id when nil).
    public func request(for event: ExternalEvent, spanID: String? = nil) -> OutboundRequest {
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
        if let trace = event.trace { headers += trace.headers(spanID: spanID ?? TraceContext.newSpanID()) }
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
