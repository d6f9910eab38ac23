@testable import SwitchboardKafka
import Testing

@Suite("ConsumerState: back-pressure and revocation policy without a broker")
struct ConsumerStateTests {
    let orders = KafkaTopicPartition(topic: "orders", partition: 0)
    let other = KafkaTopicPartition(topic: "orders", partition: 1)

    func runningState(max: Int) -> ConsumerState {
        var state = ConsumerState(maxPending: max)
        state.lifecycle = .running
        state.assign([orders, other])
        return state
    }

    @Test("a partition pauses when its messages without outcome reach the bound, and only that partition")
    func pausesAtTheBound() {
        var state = runningState(max: 4)
        for offset in Int64(0)..<3 {
            #expect(state.handOut(orders, offset: offset) == .deliver)
        }
        #expect(state.handOut(orders, offset: 3) == .deliverAndPause)
        #expect(state.handOut(other, offset: 0) == .deliver)
        let snapshot = state.snapshot()
        #expect(snapshot.first { $0.partition == 0 }?.paused == true)
        #expect(snapshot.first { $0.partition == 1 }?.paused == false)
    }

    @Test("a paused partition resumes once drained below half the bound, and stores the watermark on the way")
    func resumesBelowHalf() {
        var state = runningState(max: 4)
        for offset in Int64(0)..<4 { _ = state.handOut(orders, offset: offset) }

        #expect(state.done(orders, offset: 0) == .init(store: 1, resume: false, drained: false))
        // pending 2 of 4 is not below half yet
        #expect(state.done(orders, offset: 1) == .init(store: 2, resume: false, drained: false))
        #expect(state.done(orders, offset: 3) == .init(store: nil, resume: true, drained: false))
    }

    @Test("one stuck event at the head pauses its partition once the uncommitted span reaches max_uncommitted, however few are pending")
    func pausesAtTheUncommittedSpan() {
        var state = ConsumerState(maxPending: 1_000, maxUncommitted: 10)
        state.lifecycle = .running
        state.assign([orders])
        // Offset 0 never finishes; every later one does at once: pending stays at 1 while the span grows.
        #expect(state.handOut(orders, offset: 0) == .deliver)
        for offset in Int64(1)..<9 {
            #expect(state.handOut(orders, offset: offset) == .deliver)
            _ = state.done(orders, offset: offset)
        }
        #expect(state.handOut(orders, offset: 9) == .deliverAndPause)
        _ = state.done(orders, offset: 9)
        #expect(state.snapshot().first?.pending == 1)
        #expect(state.snapshot().first?.paused == true)
        // The stuck event gets its outcome: the commit position jumps past everything and fetching resumes.
        #expect(state.done(orders, offset: 0) == .init(store: 10, resume: true, drained: false))
    }

    @Test("a partition assigned while its topic is held starts paused, and librdkafka is told so in the same step")
    func assignedWhileHeld() {
        var state = ConsumerState(maxPending: 10)
        state.lifecycle = .running
        _ = state.hold(["orders"], true)
        let assigned = state.assign([orders, KafkaTopicPartition(topic: "refunds", partition: 0)])
        #expect(assigned.paused == [orders])
        #expect(assigned.fetch == [KafkaTopicPartition(topic: "refunds", partition: 0)])
        #expect(state.snapshot().first { $0.topic == "orders" }?.paused == true)
        // Released: it resumes (it has room), and librdkafka is told to resume exactly it.
        #expect(state.hold(["orders"], false) == [orders])
        #expect(state.snapshot().first { $0.topic == "orders" }?.paused == false)
    }

    @Test("outcomes of a revoked partition are ignored once it is released")
    func revokedOutcomesAreIgnored() {
        var state = runningState(max: 10)
        _ = state.handOut(orders, offset: 0)
        _ = state.handOut(orders, offset: 1)
        state.beginRevoke([orders])
        #expect(state.handOut(orders, offset: 2) == .skip)
        #expect(state.pending(in: [orders]) == 2)
        #expect(state.done(orders, offset: 0) == .init(store: 1, resume: false, drained: false))
        #expect(state.done(orders, offset: 1) == .init(store: 2, resume: false, drained: true))

        let positions = state.finishRevoke([orders])
        #expect(positions.count == 1)
        #expect(positions.first?.offset == 2)
        #expect(state.done(orders, offset: 2) == nil)
        #expect(state.snapshot().map(\.partition) == [1])
    }

    @Test("nothing is handed out once the consumer is stopping")
    func stoppingSkips() {
        var state = runningState(max: 10)
        state.lifecycle = .stopping
        #expect(state.handOut(orders, offset: 0) == .skip)
    }

    @Test("rebalances with partitions are counted")
    func countsRebalances() {
        var state = ConsumerState(maxPending: 10)
        state.assign([orders])
        state.beginRevoke([orders])
        _ = state.finishRevoke([orders])
        state.assign([])
        #expect(state.rebalanceCount == 2)
    }

    @Test("a held topic pauses its partitions at once and stays paused when drained; released, drained partitions resume")
    func holdAndRelease() {
        var state = runningState(max: 100)
        #expect(state.handOut(orders, offset: 0) == .deliver)
        #expect(Set(state.hold(["orders"], true)) == [orders, other])
        #expect(state.hold(["orders"], true).isEmpty)
        #expect(state.done(orders, offset: 0)?.resume == false)
        #expect(state.snapshot().allSatisfy { $0.paused })
        #expect(Set(state.hold(["orders"], false)) == [orders, other])
        #expect(state.snapshot().allSatisfy { !$0.paused })
    }

    @Test("an outcome from an earlier assignment never moves the watermark of the partition assigned again")
    func staleAssignmentIgnored() {
        var state = runningState(max: 100)
        let first = state.generation(of: orders)
        #expect(state.handOut(orders, offset: 0) == .deliver)
        state.beginRevoke([orders])
        state.assign([orders])
        let second = state.generation(of: orders)
        #expect(first != second)
        #expect(state.handOut(orders, offset: 0) == .deliver)
        #expect(state.done(orders, offset: 0, generation: first) == nil)
        #expect(state.snapshot().first { $0.partition == 0 }?.pending == 1)
        #expect(state.done(orders, offset: 0, generation: second)?.store == 1)
    }
}
