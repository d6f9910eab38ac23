import Foundation
import Logging
internal import CCurl

/// The transport thread's side of the client: owns every easy handle and drives the multi handle.
///
/// One pass of the loop takes new requests and cancellations from the inbox, lets
/// libcurl move every transfer forward, and resumes the tasks whose transfers
/// finished. With nothing new to do it blocks in `curl_multi_poll`, which returns on
/// socket activity, on libcurl's own timers or when a caller wakes it.
final class CurlTransferLoop {
    /// Sizes fixed when the client is made.
    struct Limits: Sendable {
        /// The response body cap.
        var maxResponseBytes: Int
        /// Finished easy handles kept for reuse.
        var maxSpareHandles: Int
    }

    private let transport: CurlTransport
    private let multi: CurlMultiHandle
    private let limits: Limits
    private let defaults: CurlRequestDefaults
    private let logger: Logger
    private var active: [UInt64: CurlTransfer] = [:]
    private var spareHandles: [CurlEasyHandle] = []
    /// Ids resumed since the last exchange with the inbox.
    private var finished: [UInt64] = []
    /// The longest sleep when nothing happens; libcurl shortens it when one of its timers is due.
    private static let idlePollMilliseconds: Int32 = 1_000

    /// Creates the loop; call `run()` on the transport thread.
    init(
        transport: CurlTransport,
        multi: CurlMultiHandle,
        limits: Limits,
        defaults: CurlRequestDefaults,
        logger: Logger
    ) {
        self.transport = transport
        self.multi = multi
        self.limits = limits
        self.defaults = defaults
        self.logger = logger
    }

    /// Drives transfers until the inbox is closed, then fails what is left and frees libcurl's state.
    func run() {
        logger.debug("HTTP client transport started")
        while true {
            let exchange = transport.inbox.withLock { $0.exchange(finished: finished) }
            finished.removeAll(keepingCapacity: true)
            switch exchange {
            case .shutdown(let queued):
                stop(failing: queued)
                return
            case .work(let started, let cancellations):
                for entry in started {
                    start(id: entry.id, entry.item)
                }
                for id in cancellations {
                    abandon(id: id)
                }
            case .idle:
                let code = curl_multi_poll(multi.raw, nil, 0, Self.idlePollMilliseconds, nil)
                if code != CURLM_OK {
                    logMultiError(code)
                    // Never spin on a broken poll.
                    Thread.sleep(forTimeInterval: 0.01)
                }
            }
            var running: Int32 = 0
            let code = curl_multi_perform(multi.raw, &running)
            if code != CURLM_OK {
                logMultiError(code)
            }
            collectFinished()
        }
    }

    private func start(id: UInt64, _ pending: PendingCurlTransfer) {
        guard let easy = spareHandles.popLast() ?? CurlEasyHandle() else {
            pending.continuation.resume(returning: .failure(HTTPClientError(
                kind: .other,
                message: "libcurl could not create a transfer handle"
            )))
            finished.append(id)
            return
        }
        let transfer = CurlTransfer(
            id: id,
            continuation: pending.continuation,
            easy: easy,
            maxBodyBytes: limits.maxResponseBytes
        )
        do {
            try transfer.configure(pending.request, defaults: defaults)
        } catch {
            finish(transfer, with: .failure(error), attached: false)
            return
        }
        let code = curl_multi_add_handle(multi.raw, easy.raw)
        guard code == CURLM_OK else {
            let reason = String(cString: curl_multi_strerror(code))
            finish(transfer, with: .failure(HTTPClientError(
                kind: .other,
                message: "libcurl could not start the transfer: \(reason)"
            )), attached: false)
            return
        }
        active[id] = transfer
    }

    /// Drops a transfer whose task was cancelled; its connection is closed by libcurl.
    private func abandon(id: UInt64) {
        guard let transfer = active.removeValue(forKey: id) else { return }
        finish(transfer, with: .failure(.cancelled), attached: true)
    }

    private func collectFinished() {
        var queued: Int32 = 0
        while let message = curl_multi_info_read(multi.raw, &queued) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let code = switchboard_curl_msg_result(message)
            var context: UnsafeMutableRawPointer?
            _ = switchboard_curl_easy_getinfo_pointer(easy, CURLINFO_PRIVATE, &context)
            guard let context,
                let transfer = active.removeValue(
                    forKey: Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue().id
                )
            else {
                _ = curl_multi_remove_handle(multi.raw, easy)
                continue
            }
            let result = transfer.outcome(for: code)
            transport.connectionsOpened.add(transfer.connectionsOpened, ordering: .relaxed)
            if case .failure(let error) = result {
                logger.debug(
                    "HTTP request failed",
                    metadata: [
                        HTTPClientLogKey.errorKind: "\(error.kind.label)",
                        HTTPClientLogKey.curlCode: "\(code.rawValue)",
                    ]
                )
            }
            finish(transfer, with: result, attached: true)
        }
    }

    /// Detaches the handle, keeps it for reuse and resumes the waiting task.
    private func finish(
        _ transfer: CurlTransfer,
        with result: Result<HTTPClientResponse, HTTPClientError>,
        attached: Bool
    ) {
        let easy = transfer.easy
        if attached {
            _ = curl_multi_remove_handle(multi.raw, easy.raw)
        }
        transfer.releaseHeaderList()
        easy.recycle()
        if spareHandles.count < limits.maxSpareHandles {
            spareHandles.append(easy)
        }
        transfer.continuation.resume(returning: result)
        finished.append(transfer.id)
    }

    private func stop(failing queued: [(id: UInt64, item: PendingCurlTransfer)]) {
        for transfer in active.values {
            finish(transfer, with: .failure(.clientShutDown), attached: true)
        }
        active.removeAll()
        for entry in queued {
            entry.item.continuation.resume(returning: .failure(.clientShutDown))
        }
        spareHandles.removeAll()
        // Callers that decided to wake us before the inbox closed may still be inside
        // curl_multi_wakeup; the handle must outlive them. The window is a few instructions.
        while transport.pendingWakeups.load(ordering: .acquiring) > 0 {
            sched_yield()
        }
        multi.cleanup()
        logger.debug("HTTP client transport stopped")
    }

    private func logMultiError(_ code: CURLMcode) {
        logger.warning(
            "libcurl multi handle error",
            metadata: [HTTPClientLogKey.curlCode: "\(code.rawValue)", HTTPClientLogKey.reason: "\(String(cString: curl_multi_strerror(code)))"]
        )
    }
}

/// Log metadata keys of the HTTP client.
enum HTTPClientLogKey {
    static let errorKind = "http.error.kind"
    static let curlCode = "curl.code"
    static let reason = "curl.reason"
}
