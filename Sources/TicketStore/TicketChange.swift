public import LinliCore

/// One ticket to write: its row is inserted or replaced, and its new history entries are appended.
///
/// The store ignores ``LinliCore/Ticket/history`` on write: history is append-only, so only
/// ``newHistory`` is added, after the entries already stored.
public struct TicketChange: Sendable, Hashable {
    /// The ticket as it is now.
    public var ticket: Ticket
    /// Entries to append to its history, oldest first.
    public var newHistory: [HistoryEntry]

    /// Creates a change.
    public init(ticket: Ticket, newHistory: [HistoryEntry]) {
        self.ticket = ticket
        self.newHistory = newHistory
    }

    /// The change that persists one engine decision: its ticket, and its entry appended.
    public init(_ update: TicketUpdate) {
        self.init(ticket: update.ticket, newHistory: [update.entry])
    }
}
