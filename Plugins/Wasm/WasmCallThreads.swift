import Foundation

/// The threads one Wasm integration's calls run on when they come from async code: as many as it has instances,
/// started on first use and ended with the integration. A slow module then occupies only its own threads, never
/// the threads that serve requests and deliveries (Swift's cooperative pool and Dispatch's shared one).
final class WasmCallThreads: @unchecked Sendable {
    private let count: Int
    private let name: String
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var jobs: [@Sendable () -> Void] = []
    private var next = 0
    private var started = false
    private var stopped = false

    init(count: Int, name: String) {
        self.count = count
        self.name = name
    }

    /// Runs `body` on one of the threads and returns its result.
    func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            submit { continuation.resume(returning: body()) }
        }
    }

    /// Lets the threads finish the jobs already queued, then end.
    func stop() {
        condition.withLock {
            stopped = true
            condition.broadcast()
        }
    }

    private func submit(_ job: @escaping @Sendable () -> Void) {
        condition.withLock {
            if !started {
                started = true
                for index in 0..<count {
                    let thread = Thread { [self] in work() }
                    thread.name = "wasm \(name) \(index + 1)"
                    thread.start()
                }
            }
            jobs.append(job)
            condition.signal()
        }
    }

    private func work() {
        while true {
            condition.lock()
            while next == jobs.count, !stopped {
                condition.wait()
            }
            guard next < jobs.count else {
                condition.unlock()
                return
            }
            let job = jobs[next]
            next += 1
            // Drop the finished prefix now and then, so the queue does not grow with the number of calls.
            if next == jobs.count || next >= 1_024 {
                jobs.removeFirst(next)
                next = 0
            }
            condition.unlock()
            job()
        }
    }
}
