/// One decision of the engine: a ticket as it now stands and the history entry saying what changed.
///
/// The shell persists ``ticket`` (an upsert) and appends ``entry`` to the ticket's history, in one
/// transaction with the rest of its batch. ``ticket`` carries no history of its own (the store has it).
public struct TicketUpdate: Sendable, Hashable {
    /// The ticket after the change.
    public var ticket: Ticket
    /// What changed: opened, occurred, escalated, resolved.
    public var entry: HistoryEntry

    /// Creates an update.
    public init(ticket: Ticket, entry: HistoryEntry) {
        self.ticket = ticket
        self.entry = entry
    }

    /// The action recorded.
    public var action: HistoryEntry.Action { entry.action }
}
