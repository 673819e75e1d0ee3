/// A timer's place in the order timers fire: due time, then the order they were set.
protocol HeapElement {
    var due: EventTime { get }
    var sequence: UInt64 { get }
}

extension HeapElement {
    /// Whether this timer fires before `other`.
    func precedes(_ other: some HeapElement) -> Bool {
        due != other.due ? due < other.due : sequence < other.sequence
    }
}

/// A binary min-heap of timers in firing order.
struct MinHeap<Element: HeapElement & Sendable>: Sendable {
    private var items: [Element] = []

    var count: Int { items.count }

    /// The earliest element.
    var first: Element? { items.first }

    mutating func push(_ element: Element) {
        items.append(element)
        siftUp(items.count - 1)
    }

    /// Removes and returns the earliest element.
    mutating func pop() -> Element? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            siftDown(0)
        }
        return first
    }

    mutating func removeAll() {
        items.removeAll(keepingCapacity: true)
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child].precedes(items[parent]) else { return }
            items.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < items.count else { return }
            var smallest = left
            if left + 1 < items.count, items[left + 1].precedes(items[left]) { smallest = left + 1 }
            guard items[smallest].precedes(items[parent]) else { return }
            items.swapAt(smallest, parent)
            parent = smallest
        }
    }
}
