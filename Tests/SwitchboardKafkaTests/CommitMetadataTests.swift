import Foundation
import SwitchboardKafka
import Testing

@Suite("Commit metadata: the offsets delivered past the committed one")
struct CommitMetadataTests {
    @Test("runs and bitmaps round-trip, with the cluster id and the base")
    func roundTrip() throws {
        let sparse = CommitMetadata(clusterID: "cluster-1", base: 100, delivered: [102...102, 110...400, 9_000...9_001])
        let dense = CommitMetadata(clusterID: "cluster-1", base: 100, delivered: [101...101, 103...103, 105...105, 107...107])
        for metadata in [sparse, dense] {
            let text = try #require(metadata.encoded(maxBytes: 4000))
            #expect(CommitMetadata(decoding: text) == metadata)
        }
        #expect(sparse.contains(200) && !sparse.contains(101) && !sparse.contains(401) && sparse.contains(9_001))
        #expect(sparse.count == 1 + 291 + 2)
    }

    @Test("overlapping or unsorted ranges are merged, and offsets at or below the base dropped")
    func normalizes() {
        let metadata = CommitMetadata(clusterID: "c", base: 10, delivered: [20...30, 5...12, 25...40, 41...41])
        #expect(metadata.delivered == [11...12, 20...41])
    }

    @Test("past the size limit the lowest runs are kept and the rest dropped: never an offset not delivered")
    func truncates() throws {
        // 2,000 single-offset runs with gaps: far more than 100 bytes hold.
        var ranges: [ClosedRange<Int64>] = []
        for index in 0..<2_000 {
            let offset = Int64(1_000 + index * 3)
            ranges.append(offset...offset)
        }
        let metadata = CommitMetadata(clusterID: "cluster-1", base: 999, delivered: ranges)
        let text = try #require(metadata.encoded(maxBytes: 100))
        #expect(text.utf8.count <= 100)
        let decoded = try #require(CommitMetadata(decoding: text))
        #expect(!decoded.delivered.isEmpty)
        #expect(decoded.delivered == Array(metadata.delivered.prefix(decoded.delivered.count)))
        #expect(metadata.encoded(maxBytes: 0) == nil)
    }

    @Test("another tool's metadata, an unknown version and damaged text are ignored")
    func refusesWhatItDidNotWrite() throws {
        let text = try #require(CommitMetadata(clusterID: "c", base: 5, delivered: [7...9]).encoded(maxBytes: 4000))
        var bytes = try #require(Data(base64Encoded: text))
        #expect(CommitMetadata(decoding: "") == nil)
        #expect(CommitMetadata(decoding: "hello from another consumer") == nil)
        #expect(CommitMetadata(decoding: String(text.dropLast(4))) == nil)
        bytes[0] = 2
        #expect(CommitMetadata(decoding: bytes.base64EncodedString()) == nil)
        bytes[0] = 1
        bytes.append(0)
        #expect(CommitMetadata(decoding: bytes.base64EncodedString()) == nil, "trailing bytes")
        // A run reaching past Int64.max is refused, not trapped on.
        let overflowing = Data([1, 1, 99, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 1, 5, 5])
        #expect(CommitMetadata(decoding: overflowing.base64EncodedString()) == nil)
    }
}
