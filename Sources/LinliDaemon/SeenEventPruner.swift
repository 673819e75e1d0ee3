/// Keeps the store's persisted de-duplication memory (`seen_batch` rows) bounded while the daemon runs.
///
/// The in-memory ``LinliCore/EventDeduplicator`` remembers the newest `capacity` event keys and a restart
/// reloads the newest batches holding `capacity` of them, so older batches serve no purpose. After every
/// quarter of `capacity` newly committed events, this asks for one prune, which bounds the table at about
/// `capacity` plus a quarter plus one batch of events.
struct SeenEventPruner {
    /// How many seen events the store must keep.
    let capacity: Int
    private var sinceLastPrune = 0

    /// Creates a pruner for a de-duplication memory of `capacity` keys.
    init(capacity: Int) {
        precondition(capacity > 0, "capacity must be positive")
        self.capacity = capacity
    }

    /// Notes `count` events committed to the store; returns whether it is time to prune.
    mutating func record(_ count: Int) -> Bool {
        sinceLastPrune += count
        guard sinceLastPrune >= max(1, capacity / 4) else { return false }
        sinceLastPrune = 0
        return true
    }
}
