import SwitchboardKafka
import Testing

@Suite("PartitionWatermark: the contiguous commit position of one partition")
struct PartitionWatermarkTests {
    @Test("a later success never moves the commit position past an earlier message still in flight")
    func outOfOrderDoneWaitsForTheGap() {
        var mark = PartitionWatermark()
        for offset in Int64(0)...4 { mark.handedOut(offset) }

        #expect(mark.done(3) == nil)
        #expect(mark.done(4) == nil)
        #expect(mark.done(1) == nil)
        #expect(mark.position == nil)
        #expect(mark.pending == 2)

        // 0 done: 1 was already done, 2 is the first without outcome.
        #expect(mark.done(0) == 2)
        #expect(mark.position == 2)
        #expect(mark.lowestPending == 2)

        // 2 done: 3 and 4 were done, so everything up to 4 is released at once.
        #expect(mark.done(2) == 5)
        #expect(mark.pending == 0)
    }

    @Test("in-order outcomes advance the position one message at a time")
    func contiguousRunAdvances() {
        var mark = PartitionWatermark(startOffset: 100)
        for offset in Int64(100)..<110 { mark.handedOut(offset) }
        for offset in Int64(100)..<110 {
            #expect(mark.done(offset) == offset + 1)
        }
        #expect(mark.position == 110)
        #expect(mark.pending == 0)
    }

    @Test("offsets missing after compaction are skipped, never waited for")
    func compactionGaps() {
        var mark = PartitionWatermark(startOffset: 10)
        for offset: Int64 in [10, 12, 15, 20] { mark.handedOut(offset) }

        #expect(mark.done(12) == nil)
        // 10 done, 12 done, 13 and 14 do not exist: the first offset without outcome is 15.
        #expect(mark.done(10) == 15)
        #expect(mark.done(20) == nil)
        #expect(mark.done(15) == 21)
    }

    @Test("an outcome twice, or for an offset never handed out, changes nothing")
    func duplicatesAndStrangersAreIgnored() {
        var mark = PartitionWatermark()
        mark.handedOut(7)
        mark.handedOut(8)
        #expect(mark.done(42) == nil)
        #expect(mark.done(8) == nil)
        #expect(mark.done(8) == nil)
        #expect(mark.pending == 1)
        mark.handedOut(8)  // the same offset handed out again is not counted twice
        #expect(mark.pending == 1)
        #expect(mark.done(7) == 9)
        #expect(mark.done(7) == nil)
    }

    @Test("a message read again after a rewind is tracked and never moves the position backwards")
    func rewindNeverRegresses() {
        var mark = PartitionWatermark()
        for offset in Int64(0)..<5 { mark.handedOut(offset) }
        for offset in Int64(0)..<5 { mark.done(offset) }
        #expect(mark.position == 5)

        mark.handedOut(3)  // re-delivered after an offset reset
        #expect(mark.pending == 1)
        #expect(mark.done(3) == nil)
        #expect(mark.position == 5)
        #expect(mark.pending == 0)
    }

    @Test("a large backlog keeps an exact pending count")
    func largeBacklog() {
        var mark = PartitionWatermark()
        for offset in Int64(0)..<10_000 { mark.handedOut(offset) }
        for offset in stride(from: Int64(9_999), through: 1, by: -1) {
            #expect(mark.done(offset) == nil)
        }
        #expect(mark.pending == 1)
        #expect(mark.done(0) == 10_000)
    }
}
