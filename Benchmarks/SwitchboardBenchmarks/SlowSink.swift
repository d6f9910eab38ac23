import Foundation
import Hummingbird
import Synchronization

/// A sink on 127.0.0.1 that answers `201` after `delay`, or, while it is holding, keeps every request waiting until
/// `release()`: a slow or stalled PolyAI for the benchmarks.
final class SlowSink: Sendable {
    private let delay: Duration
    private let holding: Mutex<Bool>
    private let task = Mutex<Task<Void, any Error>?>(nil)

    init(delay: Duration = .zero, holding: Bool = false) {
        self.delay = delay
        self.holding = Mutex(holding)
    }

    /// Starts listening on a free port; returns the base URL.
    func start() async throws -> String {
        let port = AsyncStream<Int>.makeStream()
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var request = request
            _ = try await request.collectBody(upTo: 16 << 20)
            while self.holding.withLock({ $0 }) {
                try await Task.sleep(for: .milliseconds(20))
            }
            if self.delay > .zero { try await Task.sleep(for: self.delay) }
            return Response(status: .created)
        }
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                port.continuation.yield(channel.localAddress?.port ?? 0)
                port.continuation.finish()
            }
        )
        task.withLock { $0 = Task { try await app.runService(gracefulShutdownSignals: []) } }
        var bound = 0
        for await value in port.stream { bound = value }
        return "http://127.0.0.1:\(bound)"
    }

    /// Lets held requests be answered.
    func release() {
        holding.withLock { $0 = false }
    }

    func stop() {
        task.withLock { $0?.cancel() }
    }
}

extension SlowSink {
    /// The `--slow-sink MILLISECONDS` mode: a sink answering after that delay, in its own process, until killed.
    static func serve(delayMillis: String) async throws -> Never {
        let sink = SlowSink(delay: .milliseconds(Int(delayMillis) ?? 50))
        let url = try await sink.start()
        FileHandle.standardOutput.write(Data("sink: \(url)\n".utf8))
        while true { try await Task.sleep(for: .seconds(3600)) }
    }
}

/// The two measurements against a slow destination: the delivery rate through a sink answering after 50 ms, and
/// this process's memory while 100,000 events wait behind a sink that answers nothing.
enum SlowDestination {
    /// Webhook → sink delivery rate when every answer takes `delayMillis`, with `maxInFlight` attempts under way: the
    /// sink runs in a child process and, with `wrk` installed, `wrk` posts (otherwise an in-process client).
    static func deliveryRate(delayMillis: Int = 50, events: Int = 20_000, maxInFlight: Int = 512) async throws -> WebhookThroughput.Result {
        let (sink, url) = try await BenchChild.start(["--slow-sink", "\(delayMillis)"], announcing: "sink: ")
        defer { _ = sink.signal(SIGKILL) }
        if let wrk = WrkLoad.executable {
            return try await WebhookThroughput.runWithWrk(sink: url, seconds: 8, wrk: wrk, maxInFlight: maxInFlight)
        }
        return try await WebhookThroughput.run(sink: url, events: events, concurrency: 64, maxInFlight: maxInFlight)
    }

    /// Resident memory once `events` webhooks are journalled and waiting behind a sink that holds every request.
    static func residentWithBacklog(events: Int = 100_000) async throws -> Double {
        let sink = SlowSink(holding: true)
        let url = try await sink.start()
        defer { sink.stop() }
        let bench = try await BenchBridge(sink: url, maxInFlight: 64)
        try await WebhookThroughput.post(events, to: bench.webhookURL, concurrency: 64)
        let resident = ResidentMemory.megabytes()
        sink.release()
        await bench.stop()
        return resident
    }
}
