/// Carries one produced message's continuation through librdkafka (as the message opaque) to its delivery report.
final class DeliveryWaiter: Sendable {
    private let continuation: CheckedContinuation<Result<Void, KafkaError>, Never>

    init(_ continuation: CheckedContinuation<Result<Void, KafkaError>, Never>) {
        self.continuation = continuation
    }

    /// Resumes the waiting `send` with the broker's verdict.
    func finish(_ result: Result<Void, KafkaError>) {
        continuation.resume(returning: result)
    }
}
