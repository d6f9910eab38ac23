import Foundation

/// Runs blocking work on a fresh thread of its own and awaits its result, so no librdkafka call that waits
/// ever occupies a thread of Swift's cooperative pool.
enum BlockingThread {
    static func run<Value: Sendable>(name: String, _ body: @escaping @Sendable () -> Value) async -> Value {
        await withCheckedContinuation { (continuation: CheckedContinuation<Value, Never>) in
            let thread = Thread {
                continuation.resume(returning: body())
            }
            thread.name = name
            thread.start()
        }
    }
}
