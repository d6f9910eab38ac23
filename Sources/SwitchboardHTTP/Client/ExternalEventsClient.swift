import SwitchboardCore

/// The External Events client of production: posts through libcurl's multi interface.
public struct ExternalEventsClient: ExternalEventsTransport {
    private let client: CurlHTTPClient

    /// Sends through `client`.
    public init(client: CurlHTTPClient) {
        self.client = client
    }

    public func send(_ request: OutboundRequest) async -> TransportResult {
        let httpRequest = HTTPClientRequest(
            url: request.url,
            headers: request.headers.map { HTTPHeader($0.name, $0.value) },
            body: request.body,
            timeout: request.timeout
        )
        do {
            let response = try await client.send(httpRequest)
            return .response(status: response.status, headers: response.headers.map { Header($0.name, $0.value) }, body: response.body)
        } catch {
            return .failure(TransportFailure(isTimeout: error.kind == .timeout, message: error.description))
        }
    }
}
