import SwitchboardKafka

/// Commit metadata read back from a broker: any text decodes or is refused without trapping, what decodes encodes
/// back to the same offsets, and any set of offsets encoded under any size limit decodes to a subset of it.
enum CommitMetadataTarget {
    /// The first byte chooses the mode: decode the rest as text, or build offsets from it and round-trip them.
    @Sendable static func run(_ bytes: [UInt8]) {
        guard let mode = bytes.first else { return }
        let rest = Array(bytes.dropFirst())
        if mode % 2 == 0 {
            guard let metadata = CommitMetadata(decoding: String(decoding: rest, as: UTF8.self)) else { return }
            FuzzCheck.require(metadata.delivered.allSatisfy { $0.lowerBound > metadata.base }, "commit-metadata: an offset at or below the base decoded")
            if let text = metadata.encoded(maxBytes: 4000), let again = CommitMetadata(decoding: text) {
                FuzzCheck.require(again.base == metadata.base && again.clusterID == metadata.clusterID,
                                  "commit-metadata: the header did not survive a round trip")
                for range in again.delivered {
                    FuzzCheck.require(metadata.contains(range.lowerBound) && metadata.contains(range.upperBound),
                                      "commit-metadata: a round trip added offsets")
                }
            }
            return
        }
        // Offsets: base from the first two bytes, then runs of (gap, length) from byte pairs.
        let base = Int64(rest.first ?? 0) * 256 + Int64(rest.dropFirst().first ?? 0)
        var ranges: [ClosedRange<Int64>] = []
        var cursor = base
        var index = 2
        while index + 1 < rest.count {
            let start = cursor + 1 + Int64(rest[index])
            let end = start + Int64(rest[index + 1] % 64)
            ranges.append(start...end)
            cursor = end
            index += 2
        }
        let metadata = CommitMetadata(clusterID: "fuzz-cluster", base: base, delivered: ranges)
        let limit = Int(mode) * 8
        guard let text = metadata.encoded(maxBytes: limit) else { return }
        FuzzCheck.require(text.utf8.count <= limit, "commit-metadata: encoded past its size limit")
        guard let decoded = CommitMetadata(decoding: text) else {
            FuzzCheck.require(false, "commit-metadata: encoded metadata did not decode")
            return
        }
        FuzzCheck.require(decoded.base == base && decoded.clusterID == "fuzz-cluster", "commit-metadata: header changed")
        for range in decoded.delivered {
            FuzzCheck.require(metadata.contains(range.lowerBound) && metadata.contains(range.upperBound), "commit-metadata: decoded an offset never delivered")
        }
    }
}
