/// A min-heap of timers keyed by due time: escalations, quiet periods, held-open deadlines, absences and
/// daily deadlines.
///
/// Timers are never removed early: the engine checks at pop time whether a timer still applies (lazy
/// deletion), which keeps every operation O(log n). The engine keeps at most one pending timer per purpose
/// and key (or, for escalations, one per level), so the heap does not grow with the number of events.
struct TimerQueue: Sendable {
    /// What a timer is for.
    enum Purpose: Sendable, Hashable {
        /// The ticket of this key escalates if still unacknowledged.
        case escalate(DedupKey)
        /// The ticket of this key resolves if no matching event came for the rule's quiet period.
        case quiet(DedupKey)
        /// The opening event of a not-followed-by rule was not followed in time.
        case opening(DedupKey)
        /// The subject's silence reaches the rule's limit.
        case absence(DedupKey)
        /// The subject's daily deadline.
        case daily(DedupKey)
    }

    struct Entry: Sendable, Hashable {
        var due: EventTime
        /// Insertion order, so timers due at the same time fire in the order they were set.
        var sequence: UInt64
        var purpose: Purpose

        func precedes(_ other: Entry) -> Bool {
            due != other.due ? due < other.due : sequence < other.sequence
        }
    }

    private var heap: [Entry] = []
    private var sequence: UInt64 = 0

    /// Number of pending timers (including stale ones).
    var count: Int { heap.count }

    /// The earliest due time, if any.
    var nextDue: EventTime? { heap.first?.due }

    mutating func schedule(_ purpose: Purpose, at due: EventTime) {
        sequence &+= 1
        heap.append(Entry(due: due, sequence: sequence, purpose: purpose))
        siftUp(heap.count - 1)
    }

    /// Removes and returns the earliest timer if it is due at or before `time`.
    mutating func popDue(at time: EventTime) -> Entry? {
        guard let first = heap.first, first.due <= time else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return first
    }

    /// Forgets every timer.
    mutating func removeAll() {
        heap.removeAll(keepingCapacity: true)
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            var smallest = left
            if left + 1 < heap.count, heap[left + 1].precedes(heap[left]) { smallest = left + 1 }
            guard heap[smallest].precedes(heap[parent]) else { return }
            heap.swapAt(smallest, parent)
            parent = smallest
        }
    }
}
