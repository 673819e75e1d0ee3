import LinliCore

/// Keeps the store's `seen_event` table (the persisted de-duplication memory) bounded while the daemon runs.
///
/// The in-memory ``EventDeduplicator`` remembers the newest `capacity` event keys and a restart reloads the
/// newest `capacity` rows, so older rows serve no purpose. This keeps the event times of the last `capacity`
/// events committed in this run in a ring; the smallest of them is never later than the `capacity`-th newest
/// time in the table, so deleting the rows older than it never deletes a row a restart would reload. After
/// every quarter of `capacity` newly committed events it offers that cut-off once, which bounds the table
/// at about twice `capacity` rows.
struct SeenEventPruner {
    private var times: [Int64]
    private var next = 0
    private var filled = false
    private var sinceLastCutoff = 0

    /// Creates a pruner for a de-duplication memory of `capacity` keys.
    init(capacity: Int) {
        precondition(capacity > 0, "capacity must be positive")
        times = Array(repeating: 0, count: capacity)
    }

    /// Notes events committed to the store.
    mutating func record(_ seen: [SeenEvent]) {
        for event in seen {
            times[next] = event.time.milliseconds
            next += 1
            if next == times.count {
                next = 0
                filled = true
            }
        }
        sinceLastCutoff += seen.count
    }

    /// The time before which seen events may be deleted, when the ring is full and a quarter of it is new
    /// since the last cut-off; `nil` otherwise.
    mutating func takeCutoff() -> EventTime? {
        guard filled, sinceLastCutoff >= max(1, times.count / 4), let oldest = times.min() else { return nil }
        sinceLastCutoff = 0
        return EventTime(milliseconds: oldest)
    }
}
