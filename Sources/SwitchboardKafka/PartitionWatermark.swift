import DequeModule

/// The commit bookkeeping of one partition: which handed-out offsets still wait for an outcome, and the
/// contiguous watermark (the lowest offset whose event has no outcome yet) that is safe to commit.
///
/// A later success never moves the watermark past an earlier offset still in flight:
/// ```swift
/// var mark = PartitionWatermark()
/// mark.handedOut(10); mark.handedOut(11); mark.handedOut(12)
/// mark.done(11)   // nil: 10 has no outcome yet
/// mark.done(10)   // 12: offsets 10 and 11 are done, 12 is the next to read after a restart
/// ```
/// Offsets need not be contiguous (compacted topics, transaction markers): the watermark jumps over gaps.
public struct PartitionWatermark: Sendable {
    /// An offset handed out, in ascending order, and whether its outcome arrived.
    private struct Entry: Sendable {
        var offset: Int64
        var done: Bool
    }

    /// Handed-out offsets not yet released; the first entry is always one without outcome.
    private var entries: Deque<Entry> = []
    /// Number of entries without outcome.
    public private(set) var pending: Int = 0
    /// The commit position (next offset to read), or nil when nothing was released yet and no start was given.
    public private(set) var position: Int64?
    /// The highest offset handed out so far.
    public private(set) var highestHandedOut: Int64?

    /// Starts the bookkeeping, optionally at a known committed position.
    public init(startOffset: Int64? = nil) {
        self.position = startOffset
    }

    /// The lowest handed-out offset still waiting for its outcome.
    public var lowestPending: Int64? {
        entries.first?.offset
    }

    /// How far the highest handed-out offset is past the commit position: what a restart would read again. One
    /// stuck event at the head keeps it growing while later events finish.
    public var uncommittedSpan: Int64 {
        guard let first = entries.first?.offset, let highest = highestHandedOut, highest >= first else { return 0 }
        return highest - first + 1
    }

    /// The offsets above the commit position that already have their outcome, as runs: consecutive done entries
    /// form one run (offsets between them that were never handed out, such as transaction markers, never will be).
    public var doneAbovePosition: [ClosedRange<Int64>] {
        var runs: [ClosedRange<Int64>] = []
        var start: Int64?
        var end: Int64 = 0
        for entry in entries {
            if entry.done {
                if start == nil { start = entry.offset }
                end = entry.offset
            } else if let first = start {
                runs.append(first...end)
                start = nil
            }
        }
        if let first = start { runs.append(first...end) }
        return runs
    }

    /// Records that `offset` was handed to the handler; a repeated offset is ignored.
    public mutating func handedOut(_ offset: Int64) {
        if let highest = highestHandedOut, offset <= highest {
            // Out of order (a rewind after an offset reset): keep the deque sorted, never count twice.
            let index = insertionIndex(of: offset)
            if index < entries.count, entries[index].offset == offset {
                return
            }
            entries.insert(Entry(offset: offset, done: false), at: index)
        } else {
            entries.append(Entry(offset: offset, done: false))
            highestHandedOut = offset
        }
        pending += 1
    }

    /// Records the outcome of `offset`; returns the new commit position when the watermark advanced.
    /// Offsets that were never handed out, or are already done, change nothing.
    @discardableResult
    public mutating func done(_ offset: Int64) -> Int64? {
        let index = insertionIndex(of: offset)
        guard index < entries.count, entries[index].offset == offset, !entries[index].done else {
            return nil
        }
        entries[index].done = true
        pending -= 1
        guard index == 0 else { return nil }

        var lastReleased = offset
        while let first = entries.first, first.done {
            lastReleased = first.offset
            entries.removeFirst()
        }
        let candidate = entries.first?.offset ?? lastReleased + 1
        if let current = position, candidate <= current {
            return nil
        }
        position = candidate
        return candidate
    }

    /// Binary search: the index of the first entry whose offset is not below `offset`.
    private func insertionIndex(of offset: Int64) -> Int {
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].offset < offset {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }
}
