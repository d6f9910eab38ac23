import Logging
import Synchronization

/// The client: one dedicated transport thread owns a CURLM and drives every transfer.
///
/// Requests from any task are handed to that thread, which runs them all at once on
/// libcurl's multi interface: keep-alive connections are pooled and reused, HTTP/2 is
/// used where a TLS server offers it, redirects are never followed, and every request
/// has a timeout and a cap on the response body.
///
/// ```swift
/// let client = CurlHTTPClient(logger: logger)
/// defer { client.shutdown() }
/// let response = try await client.send(HTTPClientRequest(
///     url: "https://api.us-1.platform.polyai.app/v1/external-events/webhook?…",
///     headers: [HTTPHeader("X-Api-Key", key), HTTPHeader("Content-Type", "application/json")],
///     body: Array(#"{"cid":"…"}"#.utf8),
///     timeout: .seconds(5)
/// ))
/// ```
public final class CurlHTTPClient: Sendable {
    private let transport: CurlTransport

    /// Creates the client and starts its transport thread.
    /// - Parameters:
    ///   - maxConnections: the most connections open at once (and kept idle); more requests queue.
    ///   - maxResponseBytes: a longer response body fails the request with `.responseTooLarge`.
    ///   - proxy: the proxy every request goes through (`polyai.proxy`); nil connects directly and ignores the
    ///     `http_proxy`/`https_proxy`/`ALL_PROXY` environment variables.
    ///   - logger: receives transport start/stop and, at debug level, failed transfers.
    public init(maxConnections: Int = 256, maxResponseBytes: Int = 64 * 1024, proxy: String? = nil, logger: Logger) {
        transport = CurlTransport(maxConnections: maxConnections, maxResponseBytes: maxResponseBytes, proxy: proxy, logger: logger)
    }

    deinit {
        transport.shutdown()
    }

    /// Sends one request and returns the response, whatever its status; redirects are returned, not followed.
    ///
    /// Cancelling the calling task abandons the transfer and throws (kind `.other`).
    public func send(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPClientResponse {
        try await transport.send(request)
    }

    /// Fails queued and in-flight requests with `.shutdown`, closes connections and joins the thread; idempotent.
    ///
    /// Blocks the caller until the transport thread has finished, which takes
    /// no longer than failing the outstanding requests.
    public func shutdown() {
        transport.shutdown()
    }

    /// Total new connections made so far; stays low while keep-alive reuse works.
    public var connectionsOpened: Int {
        transport.connectionsOpened.load(ordering: .relaxed)
    }
}
