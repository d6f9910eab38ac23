@testable import SwitchboardHTTP
import Testing

@Suite("The hand-over between callers and the transport thread")
struct CurlTransportInboxTests {
    typealias Inbox = CurlTransportInbox<String>

    @Test("a sleeping transport is woken once for a burst of submissions")
    func wakesOncePerSleep() {
        var inbox = Inbox()
        let firstSubmit = inbox.submit(id: 1, item: "a")
        #expect(firstSubmit.isQueued, "transport not asleep yet: no wake-up needed")
        guard case .work(let batch, let cancellations) = inbox.exchange(finished: []) else {
            Issue.record("expected work")
            return
        }
        #expect(batch.map(\.item) == ["a"])
        #expect(cancellations.isEmpty)
        let emptyExchange = inbox.exchange(finished: [])
        #expect(emptyExchange.isIdle)
        let submitWhileAsleep = inbox.submit(id: 2, item: "b")
        #expect(submitWhileAsleep.wakes)
        let submitAfterWake = inbox.submit(id: 3, item: "c")
        #expect(submitAfterWake.isQueued, "already woken")
        guard case .work(let next, _) = inbox.exchange(finished: []) else {
            Issue.record("expected work")
            return
        }
        #expect(next.map(\.id) == [2, 3])
    }

    @Test("a cancellation that arrives before its submission rejects the submission")
    func cancelBeforeSubmit() {
        var inbox = Inbox()
        let earlyCancel = inbox.cancel(id: 7)
        #expect(earlyCancel.isNone)
        guard case .reject(let error) = inbox.submit(id: 7, item: "late") else {
            Issue.record("expected the submission to be rejected")
            return
        }
        #expect(error.message.contains("cancelled"))
        #expect(inbox.trackedCount == 0)
        let afterReject = inbox.exchange(finished: [])
        #expect(afterReject.isIdle)
    }

    @Test("cancelling a queued request withdraws it before the transport sees it")
    func cancelWhileQueued() {
        var inbox = Inbox()
        _ = inbox.submit(id: 1, item: "queued")
        guard case .failWithdrawn(let item) = inbox.cancel(id: 1) else {
            Issue.record("expected the item back")
            return
        }
        #expect(item == "queued")
        let afterWithdraw = inbox.exchange(finished: [])
        #expect(afterWithdraw.isIdle)
        #expect(inbox.trackedCount == 0)
    }

    @Test("cancelling a running request is passed to the transport, and waking it if asleep")
    func cancelWhileRunning() {
        var inbox = Inbox()
        _ = inbox.submit(id: 1, item: "running")
        _ = inbox.exchange(finished: [])
        let emptyExchange = inbox.exchange(finished: [])
        #expect(emptyExchange.isIdle)
        let cancelWhileAsleep = inbox.cancel(id: 1)
        #expect(cancelWhileAsleep.wakes)
        guard case .work(let batch, let cancellations) = inbox.exchange(finished: []) else {
            Issue.record("expected the cancellation")
            return
        }
        #expect(batch.isEmpty)
        #expect(cancellations == [1])
        _ = inbox.exchange(finished: [1])
        #expect(inbox.trackedCount == 0)
    }

    @Test("a cancellation after the request finished leaves a marker that forget removes")
    func cancelAfterFinish() {
        var inbox = Inbox()
        _ = inbox.submit(id: 1, item: "done")
        _ = inbox.exchange(finished: [])
        _ = inbox.exchange(finished: [1])
        let lateCancel = inbox.cancel(id: 1)
        #expect(lateCancel.isNone)
        #expect(inbox.trackedCount == 1)
        inbox.forget(id: 1)
        #expect(inbox.trackedCount == 0)
    }

    @Test("closing hands queued requests back for failure and rejects new ones")
    func close() {
        var inbox = Inbox()
        _ = inbox.submit(id: 1, item: "queued")
        let closedNow = inbox.close(reason: HTTPClientError(kind: .shutdown, message: "closed"))
        #expect(closedNow)
        let closedAgain = inbox.close(reason: HTTPClientError(kind: .shutdown, message: "again"))
        #expect(!closedAgain, "only the first close counts")
        guard case .shutdown(let queued) = inbox.exchange(finished: []) else {
            Issue.record("expected shutdown")
            return
        }
        #expect(queued.map(\.item) == ["queued"])
        guard case .reject(let error) = inbox.submit(id: 2, item: "new") else {
            Issue.record("expected rejection")
            return
        }
        #expect(error.kind == .shutdown)
        let cancelAfterClose = inbox.cancel(id: 2)
        #expect(cancelAfterClose.isNone)
    }
}

extension CurlTransportInbox.SubmitAction {
    fileprivate var isQueued: Bool { if case .queued = self { true } else { false } }
    fileprivate var wakes: Bool { if case .wakeTransport = self { true } else { false } }
}

extension CurlTransportInbox.CancelAction {
    fileprivate var isNone: Bool { if case .none = self { true } else { false } }
    fileprivate var wakes: Bool { if case .wakeTransport = self { true } else { false } }
}

extension CurlTransportInbox.Exchange {
    fileprivate var isIdle: Bool { if case .idle = self { true } else { false } }
}
