/// Comparisons whose running time does not depend on where two secrets first differ.
public enum ConstantTime {
    /// Whether two byte strings are equal; only their lengths (public for digests) affect the time taken.
    public static func equals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices {
            difference |= lhs[index] ^ rhs[index]
        }
        return difference == 0
    }
}
