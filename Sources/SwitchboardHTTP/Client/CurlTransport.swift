import Foundation
import Logging
import Synchronization
internal import CCurl

/// A request on its way to the transport thread.
struct PendingCurlTransfer: Sendable {
    /// What to send.
    let request: HTTPClientRequest
    /// Where the outcome goes.
    let continuation: CurlTransfer.Continuation
}

/// The shared half of the client: the inbox callers write to, the multi handle they
/// wake, and the dedicated thread that runs `CurlTransferLoop`.
final class CurlTransport: Sendable {
    /// Requests, cancellations and the closed flag, handed to the transport thread.
    let inbox: Mutex<CurlTransportInbox<PendingCurlTransfer>>
    /// The multi handle; nil when libcurl could not be initialised (every send then fails).
    let multi: CurlMultiHandle?
    /// Wake-ups decided under the inbox lock but not yet made; the multi handle outlives them.
    let pendingWakeups = Atomic<Int>(0)
    /// New connections opened so far, summed over finished transfers.
    let connectionsOpened = Atomic<Int>(0)
    private let nextID = Atomic<UInt64>(0)
    /// Entered before the thread starts, left when it returns: `shutdown` waits on it.
    private let threadExit = DispatchGroup()

    /// Creates the multi handle and starts the transport thread.
    init(maxConnections: Int, maxResponseBytes: Int, proxy: String?, logger: Logger) {
        let limits = CurlTransferLoop.Limits(
            maxResponseBytes: max(0, maxResponseBytes),
            maxSpareHandles: max(1, maxConnections)
        )
        let defaults = CurlRequestDefaults(caBundle: Self.environmentCABundle(), proxy: proxy)
        guard CurlLibrary.initialised, let multi = CurlMultiHandle(maxConnections: maxConnections) else {
            self.multi = nil
            self.inbox = Mutex(CurlTransportInbox(closedReason: HTTPClientError(
                kind: .other,
                message: "libcurl could not be initialised; no request can be sent"
            )))
            logger.error("libcurl could not be initialised")
            return
        }
        self.multi = multi
        inbox = Mutex(CurlTransportInbox())

        threadExit.enter()
        let thread = Thread { [self] in
            let loop = CurlTransferLoop(transport: self, multi: multi, limits: limits, defaults: defaults, logger: logger)
            loop.run()
            self.threadExit.leave()
        }
        thread.name = "switchboard-curl"
        thread.start()
    }

    /// Runs one request on the transport thread and waits for its outcome.
    func send(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPClientResponse {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).newValue
        let result = await withTaskCancellationHandler {
            await withUnsafeContinuation { continuation in
                submit(id: id, PendingCurlTransfer(request: request, continuation: continuation))
            }
        } onCancel: {
            cancel(id: id)
        }
        if Task.isCancelled {
            // The handler may have run after the transfer finished; it then left a marker behind.
            inbox.withLock { $0.forget(id: id) }
        }
        return try result.get()
    }

    /// Fails queued and running requests with `.shutdown` and waits for the thread to end.
    func shutdown() {
        let wake = inbox.withLock { inbox in
            let closedNow = inbox.close(reason: .clientShutDown)
            if closedNow && multi != nil {
                pendingWakeups.add(1, ordering: .relaxed)
            }
            return closedNow && multi != nil
        }
        if wake {
            wakeTransport()
        }
        threadExit.wait()
    }

    private func submit(id: UInt64, _ pending: PendingCurlTransfer) {
        let action = inbox.withLock { inbox in
            let action = inbox.submit(id: id, item: pending)
            if case .wakeTransport = action {
                pendingWakeups.add(1, ordering: .relaxed)
            }
            return action
        }
        switch action {
        case .wakeTransport:
            wakeTransport()
        case .queued:
            break
        case .reject(let error):
            pending.continuation.resume(returning: .failure(error))
        }
    }

    private func cancel(id: UInt64) {
        let action = inbox.withLock { inbox in
            let action = inbox.cancel(id: id)
            if case .wakeTransport = action {
                pendingWakeups.add(1, ordering: .relaxed)
            }
            return action
        }
        switch action {
        case .none:
            break
        case .wakeTransport:
            wakeTransport()
        case .failWithdrawn(let pending):
            pending.continuation.resume(returning: .failure(.cancelled))
        }
    }

    /// Makes a wake-up counted in `pendingWakeups` and marks it done.
    private func wakeTransport() {
        multi?.wakeUp()
        pendingWakeups.subtract(1, ordering: .releasing)
    }

    /// libcurl, unlike the curl tool, does not read `CURL_CA_BUNDLE`; operators expect it to work.
    private static func environmentCABundle() -> String? {
        guard let path = ProcessInfo.processInfo.environment["CURL_CA_BUNDLE"], !path.isEmpty else { return nil }
        return path
    }
}
