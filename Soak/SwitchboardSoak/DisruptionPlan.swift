/// When each disruption happens during the production time, in cycles of at most two minutes: a longer soak repeats
/// the cycle, so every edge is crossed again and again while memory is watched.
struct DisruptionPlan: Sendable {
    /// One thing that goes wrong, and for how long.
    enum Disruption: Sendable, CustomStringConvertible {
        /// SIGKILL of an instance, restarted after `downFor`.
        case kill(instance: Int, downFor: Duration)
        /// Every Kafka broker down for `downFor`.
        case brokerOutage(downFor: Duration)
        /// Every integration's key refused by PolyAI for `refusedFor`, then fixed by rotating the key files.
        case keyRefused(refusedFor: Duration)
        /// SIGTERM of an instance under load (graceful stop), restarted after `downFor`.
        case terminate(instance: Int, downFor: Duration)

        var description: String {
            switch self {
            case .kill(let instance, let downFor): "SIGKILL of instance \(instance) (restart after \(downFor))"
            case .brokerOutage(let downFor): "broker outage of \(downFor)"
            case .keyRefused(let refusedFor): "keys refused for \(refusedFor)"
            case .terminate(let instance, let downFor): "SIGTERM of instance \(instance) (restart after \(downFor))"
            }
        }
    }

    /// A disruption and when it starts, from the start of production.
    struct Step: Sendable {
        let at: Duration
        let disruption: Disruption
    }

    let steps: [Step]

    /// The plan for `duration` of production.
    init(duration: Duration) {
        let total = Double(duration.components.seconds)
        let cycles = max(1, Int(total / 120))
        let cycle = total / Double(cycles)
        var steps: [Step] = []
        for index in 0..<cycles {
            let start = Double(index) * cycle
            steps.append(Step(at: .seconds(start + 0.10 * cycle), disruption: .kill(instance: 0, downFor: .seconds(2))))
            // Well after the kill's rebalance has settled: librdkafka 2.0.2's mock aborts (rd_kafka_mock_cgrp.c:567) when
            // its brokers go down while a JoinGroup waits for its answer and the member sends it again.
            steps.append(Step(at: .seconds(start + 0.38 * cycle), disruption: .brokerOutage(downFor: .seconds(Self.clamp(0.08 * cycle, 5, 10)))))
            steps.append(Step(at: .seconds(start + 0.55 * cycle), disruption: .keyRefused(refusedFor: .seconds(Self.clamp(0.2 * cycle, 10, 24)))))
            steps.append(Step(at: .seconds(start + 0.78 * cycle), disruption: .terminate(instance: 1, downFor: .seconds(2))))
        }
        self.steps = steps
    }

    private static func clamp(_ value: Double, _ low: Double, _ high: Double) -> Double {
        min(high, max(low, value))
    }
}
