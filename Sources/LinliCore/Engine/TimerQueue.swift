/// A min-heap of timers keyed by due time: escalations, quiet periods, held-open deadlines, absences and
/// daily deadlines.
///
/// Timers are never removed early: the engine checks at pop time whether a timer still applies (lazy
/// deletion), which keeps every operation O(log n). The engine keeps at most one pending timer per purpose
/// and key (or, for escalations, one per level), so the heap does not grow with the number of events.
///
/// The absence timers of states in dense tables (one per watched device: most timers) are kept in a heap of their
/// own, 24 bytes an entry instead of the 88 of an entry that holds a key; one sequence orders both, so timers due at
/// the same time still fire in the order they were set.
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
        /// The silence of the device of a dense table's slot reaches the rule's limit.
        case deviceAbsence(SubjectStates.Slot)
        /// The subject's daily deadline.
        case daily(DedupKey)
    }

    struct Entry: Sendable, Hashable, HeapElement {
        var due: EventTime
        /// Insertion order, so timers due at the same time fire in the order they were set.
        var sequence: UInt64
        var purpose: Purpose
    }

    /// A ``Purpose/deviceAbsence(_:)`` timer.
    private struct SlotEntry: Sendable, HeapElement {
        var due: EventTime
        var sequence: UInt64
        var slot: SubjectStates.Slot
    }

    private var keyed = MinHeap<Entry>()
    private var slots = MinHeap<SlotEntry>()
    private var sequence: UInt64 = 0

    /// Number of pending timers (including stale ones).
    var count: Int { keyed.count + slots.count }

    /// The earliest due time, if any.
    var nextDue: EventTime? {
        switch (keyed.first, slots.first) {
        case (let entry?, let slot?): min(entry.due, slot.due)
        case (let entry?, nil): entry.due
        case (nil, let slot?): slot.due
        case (nil, nil): nil
        }
    }

    mutating func schedule(_ purpose: Purpose, at due: EventTime) {
        sequence &+= 1
        if case .deviceAbsence(let slot) = purpose {
            slots.push(SlotEntry(due: due, sequence: sequence, slot: slot))
        } else {
            keyed.push(Entry(due: due, sequence: sequence, purpose: purpose))
        }
    }

    /// Removes and returns the earliest timer if it is due at or before `time`.
    mutating func popDue(at time: EventTime) -> Entry? {
        let slotFirst: Bool
        switch (keyed.first, slots.first) {
        case (let entry?, let slot?): slotFirst = slot.precedes(entry)
        case (_?, nil): slotFirst = false
        case (nil, _?): slotFirst = true
        case (nil, nil): return nil
        }
        if slotFirst {
            guard let slot = slots.first, slot.due <= time else { return nil }
            _ = slots.pop()
            return Entry(due: slot.due, sequence: slot.sequence, purpose: .deviceAbsence(slot.slot))
        }
        guard let entry = keyed.first, entry.due <= time else { return nil }
        return keyed.pop()
    }

    /// Forgets every timer.
    mutating func removeAll() {
        keyed.removeAll()
        slots.removeAll()
    }
}
