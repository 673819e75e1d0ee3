public import LinliCore

/// Everything the pipeline persists for a run of events, written by ``TicketStore/commit(_:)`` in one
/// transaction (group commit): all of it is stored, or none of it.
///
/// ```swift
/// var batch = IngestBatch()
/// batch.changes.append(TicketChange(ticket: ticket, newHistory: [opened]))
/// batch.seenEvents.append(SeenEvent(source: "gw-1", id: event.id, time: event.time))
/// batch.engineState.append(key: "timers", value: encodedTimers)
/// try await store.commit(batch)
/// ```
public struct IngestBatch: Sendable, Hashable {
    /// Tickets to upsert, with the history entries to append, applied in order.
    public var changes: [TicketChange]
    /// Rejected messages to record.
    public var deadLetters: [DeadLetter]
    /// Events processed by this batch; an event already recorded is left as it is.
    public var seenEvents: [SeenEvent]
    /// Engine state blobs to insert or replace by key; keys not named are left untouched.
    public var engineState: EngineStateBlobs

    /// Creates a batch, empty by default.
    public init(
        changes: [TicketChange] = [],
        deadLetters: [DeadLetter] = [],
        seenEvents: [SeenEvent] = [],
        engineState: EngineStateBlobs = EngineStateBlobs()
    ) {
        self.changes = changes
        self.deadLetters = deadLetters
        self.seenEvents = seenEvents
        self.engineState = engineState
    }

    /// Whether the batch holds nothing to write.
    public var isEmpty: Bool {
        changes.isEmpty && deadLetters.isEmpty && seenEvents.isEmpty && engineState.isEmpty
    }
}
