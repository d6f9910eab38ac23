import Foundation
import Logging
import SwitchboardHTTP
import SwitchboardBridge
import Testing

@Suite("CurlHTTPClient and polyai.proxy")
struct CurlProxyTests {
    @Test("with a configured proxy every request goes to the proxy, as an absolute-form request for the destination")
    func configuredProxy() async throws {
        // The sink plays a forward proxy: the destination (a closed port) is only reachable through it.
        let proxy = ScriptedSink()
        let proxyURL = try await proxy.start()
        defer { proxy.stop() }
        let client = CurlHTTPClient(proxy: proxyURL, logger: Logger(label: "test"))
        defer { client.shutdown() }
        let response = try await client.send(HTTPClientRequest(
            url: "http://127.0.0.1:9/v1/external-events/webhook?event_id_location=payload&event_id_path=cid&account_id=ws-1&project_id=P",
            headers: [HTTPHeader("Content-Type", "application/json")],
            body: Array(#"{"cid":"EXT-PROXIED"}"#.utf8)
        ))
        #expect(response.status == 201)
        #expect(proxy.received.first?.eventID == "EXT-PROXIED")
    }
}
