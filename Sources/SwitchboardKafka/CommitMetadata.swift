import Foundation

/// The offsets above a partition's committed offset that already have their outcome, carried in the metadata of the
/// offset commit, so whoever consumes the partition next (another instance, or this one after a restart) skips them.
///
/// The committed offset itself is the lowest offset without an outcome; everything delivered past it would be
/// posted again by the next owner without this. Encoded compactly as base64 text:
/// a version byte (1), the cluster id (length-prefixed), the committed offset it extends, then either runs
/// (gap and length per run) or a bitmap, whichever is shorter; integers are unsigned LEB128 varints.
/// A decoder meeting an unknown version, a different cluster or a different committed offset ignores the metadata:
/// the events are posted again, never skipped wrongly.
public struct CommitMetadata: Sendable, Equatable {
    /// The encoding this build writes.
    public static let version: UInt8 = 1

    /// `rd_kafka_clusterid` of the cluster the offsets belong to (a recreated cluster reuses offsets).
    public var clusterID: String
    /// The committed offset the metadata extends (the next offset to read).
    public var base: Int64
    /// Delivered offsets, ascending and disjoint, each above `base`.
    public private(set) var delivered: [ClosedRange<Int64>]

    /// Metadata for `delivered` (any order, overlaps merged; offsets at or below `base` dropped).
    public init(clusterID: String, base: Int64, delivered: [ClosedRange<Int64>]) {
        self.clusterID = clusterID
        self.base = base
        self.delivered = Self.normalized(delivered, above: base)
    }

    /// Whether `offset` is recorded as delivered.
    public func contains(_ offset: Int64) -> Bool {
        var low = 0
        var high = delivered.count
        while low < high {
            let middle = (low + high) / 2
            if delivered[middle].upperBound < offset { low = middle + 1 } else { high = middle }
        }
        return low < delivered.count && delivered[low].contains(offset)
    }

    /// How many offsets are recorded.
    public var count: Int64 {
        delivered.reduce(0) { total, range in total &+ (range.upperBound - range.lowerBound + 1) }
    }

    // MARK: - Encoding

    /// The base64 text for the commit, at most `maxBytes` long: when every run does not fit, the lowest runs that
    /// do are kept (the rest are posted again after a hand-over — never fewer). Nil when not even the header fits.
    public func encoded(maxBytes: Int) -> String? {
        let budget = maxBytes / 4 * 3
        var header: [UInt8] = [Self.version]
        let cluster = Array(clusterID.utf8)
        Self.appendVarint(UInt64(cluster.count), to: &header)
        header += cluster
        Self.appendVarint(UInt64(max(base, 0)), to: &header)
        guard header.count + 2 <= budget else { return nil }

        // Runs, as many as fit.
        var runs: [UInt8] = []
        var kept = 0
        var previousEnd = base
        for range in delivered {
            var encodedRun: [UInt8] = []
            Self.appendVarint(UInt64(range.lowerBound - previousEnd - 1), to: &encodedRun)
            Self.appendVarint(UInt64(range.upperBound - range.lowerBound), to: &encodedRun)
            var countPrefix: [UInt8] = []
            Self.appendVarint(UInt64(kept + 1), to: &countPrefix)
            guard header.count + 1 + countPrefix.count + runs.count + encodedRun.count <= budget else { break }
            runs += encodedRun
            kept += 1
            previousEnd = range.upperBound
        }
        var runsForm = header + [0]
        Self.appendVarint(UInt64(kept), to: &runsForm)
        runsForm += runs

        // A bitmap, when every offset fits and it is shorter than the runs.
        if kept == delivered.count, let last = delivered.last?.upperBound, last - base <= Int64(budget) * 8 {
            let bits = Int(last - base)
            var bitmapForm = header + [1]
            Self.appendVarint(UInt64(bits), to: &bitmapForm)
            var map = [UInt8](repeating: 0, count: (bits + 7) / 8)
            for range in delivered {
                for offset in range {
                    let bit = Int(offset - base - 1)
                    map[bit / 8] |= 1 << UInt8(bit % 8)
                }
            }
            bitmapForm += map
            if bitmapForm.count < runsForm.count, bitmapForm.count <= budget {
                return Data(bitmapForm).base64EncodedString()
            }
        }
        return Data(runsForm).base64EncodedString()
    }

    /// Reads metadata written by `encoded`; nil for anything else (another tool's metadata, an unknown version,
    /// truncated or inconsistent data). Never traps, whatever the text.
    public init?(decoding text: String) {
        guard !text.isEmpty, text.utf8.count <= 1 << 20, let data = Data(base64Encoded: text) else { return nil }
        var reader = Reader(bytes: Array(data))
        guard reader.byte() == Self.version,
              let clusterLength = reader.varint(), clusterLength <= 255,
              let cluster = reader.bytes(Int(clusterLength)),
              let base = reader.varint().flatMap({ Int64(exactly: $0) }),
              let form = reader.byte()
        else { return nil }
        var ranges: [ClosedRange<Int64>] = []
        switch form {
        case 0:
            guard let count = reader.varint(), count <= UInt64(reader.remaining) else { return nil }
            var previousEnd = base
            for _ in 0..<count {
                guard let gap = reader.varint().flatMap({ Int64(exactly: $0) }),
                      let extra = reader.varint().flatMap({ Int64(exactly: $0) })
                else { return nil }
                let (afterGap, overflow1) = previousEnd.addingReportingOverflow(1)
                let (start, overflow2) = afterGap.addingReportingOverflow(gap)
                let (end, overflow3) = start.addingReportingOverflow(extra)
                guard !overflow1, !overflow2, !overflow3 else { return nil }
                ranges.append(start...end)
                previousEnd = end
            }
        case 1:
            guard let bits = reader.varint(), bits <= UInt64(reader.remaining) * 8, base <= Int64.max - Int64(bits),
                  let map = reader.bytes(Int((bits + 7) / 8))
            else { return nil }
            var runStart: Int64?
            for bit in 0..<Int(bits) {
                let set = map[bit / 8] & (1 << UInt8(bit % 8)) != 0
                let offset = base + 1 + Int64(bit)
                if set, runStart == nil { runStart = offset }
                if !set, let start = runStart {
                    ranges.append(start...(offset - 1))
                    runStart = nil
                }
            }
            if let start = runStart { ranges.append(start...(base + Int64(bits))) }
        default:
            return nil
        }
        guard reader.remaining == 0 else { return nil }
        self.clusterID = String(decoding: cluster, as: UTF8.self)
        self.base = base
        self.delivered = ranges
    }

    /// Sorted, merged, clipped to offsets above `base`.
    private static func normalized(_ ranges: [ClosedRange<Int64>], above base: Int64) -> [ClosedRange<Int64>] {
        var result: [ClosedRange<Int64>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) where range.upperBound > base {
            let range = max(range.lowerBound, base + 1)...range.upperBound
            if let last = result.last, range.lowerBound <= last.upperBound &+ 1, last.upperBound < Int64.max {
                result[result.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }

    private static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// A bounds-checked cursor over the decoded bytes.
    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        var remaining: Int { bytes.count - index }

        mutating func byte() -> UInt8? {
            guard index < bytes.count else { return nil }
            defer { index += 1 }
            return bytes[index]
        }

        mutating func bytes(_ count: Int) -> [UInt8]? {
            guard count >= 0, count <= remaining else { return nil }
            defer { index += count }
            return Array(bytes[index..<(index + count)])
        }

        /// At most ten bytes; a value past 64 bits is refused.
        mutating func varint() -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while let byte = byte() {
                guard shift < 64, shift < 63 || byte & 0x7E == 0 else { return nil }
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            return nil
        }
    }
}
