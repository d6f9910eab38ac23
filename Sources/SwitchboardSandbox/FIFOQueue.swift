/// A first-in first-out queue with O(1) amortised append and removal of the oldest element.
///
/// Removed slots are reclaimed in bulk once they make up half the storage, so memory stays bounded.
struct FIFOQueue<Element: Sendable>: Sendable, Sequence {
    private var storage: [Element] = []
    private var head = 0

    /// Number of elements queued.
    var count: Int { storage.count - head }
    /// True when nothing is queued.
    var isEmpty: Bool { head == storage.count }
    /// The oldest element.
    var first: Element? { head < storage.count ? storage[head] : nil }

    /// Queues an element at the back.
    mutating func append(_ element: Element) {
        storage.append(element)
    }

    /// Removes and returns the oldest element.
    mutating func popFirst() -> Element? {
        guard head < storage.count else {
            return nil
        }
        let element = storage[head]
        head += 1
        if head == storage.count {
            storage.removeAll(keepingCapacity: storage.count <= 1024)
            head = 0
        } else if head >= 1024, head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return element
    }

    /// Keeps only the elements for which `isIncluded` is true, in order.
    mutating func retain(where isIncluded: (Element) -> Bool) {
        storage = storage[head...].filter(isIncluded)
        head = 0
    }

    /// Iterates from the oldest element to the newest.
    func makeIterator() -> ArraySlice<Element>.Iterator {
        storage[head...].makeIterator()
    }
}
