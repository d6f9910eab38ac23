import Logging
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardBridge

/// Delivery lanes posting to a real HTTP server through libcurl, driven by a manual clock.
struct TestLanes {
    let lanes: DeliveryLanes
    let outcomes: OutcomeLog
    let client: CurlHTTPClient
    let key: KeyHolder
    let runner: Task<Void, any Error>

    init(
        baseURL: String,
        clock: ManualClock,
        policy: RetryPolicy = RetryPolicy(maxAttempts: 5, base: .seconds(1), cap: .seconds(8), deadline: .seconds(3300)),
        maxInFlight: Int = 8,
        jitter: @escaping @Sendable (ClosedRange<Int64>) -> Int64 = { $0.upperBound },
        circuitThreshold: Int = 10
    ) {
        let outcomes = OutcomeLog()
        let client = CurlHTTPClient(logger: Logger(label: "test"))
        let key = KeyHolder(APIKey("sk-test-key-0001"))
        let lanes = DeliveryLanes(
            integration: "test",
            destination: PolyAIDestination(baseURL: baseURL, accountID: "ws-test", projectID: "PROJECT-TEST", key: key, timeout: .seconds(10)),
            policy: policy,
            maxInFlight: maxInFlight,
            transport: ExternalEventsClient(client: client),
            clock: clock,
            logger: Logger(label: "test"),
            jitter: jitter,
            circuitThreshold: circuitThreshold,
            onOutcome: { outcomes.record($0, $1) }
        )
        self.lanes = lanes
        self.outcomes = outcomes
        self.client = client
        self.key = key
        self.runner = Task { try await lanes.run() }
    }

    func submit(_ eventID: String, body: String? = nil, orderingKey: String? = nil, firstSeen: Int64, contentType: String = "application/json") {
        let text = body ?? #"{"cid":"\#(eventID)"}"#
        lanes.submit(Delivery(
            event: ExternalEvent(eventID: eventID, idLocation: .payload("cid"), body: Array(text.utf8), contentType: contentType, orderingKey: orderingKey),
            route: "test-route", firstSeenMillis: firstSeen, source: .detached
        ))
    }

    func stop() async {
        lanes.stop()
        _ = try? await runner.value
        client.shutdown()
    }
}
