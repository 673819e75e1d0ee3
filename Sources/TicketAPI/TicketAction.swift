/// What a person can do to a ticket over HTTP: the last path component of
/// `POST /api/v1/tickets/{id}/{action}` and of the board's forms.
public enum TicketAction: String, Sendable, Hashable, CaseIterable {
    /// Acknowledge an open ticket.
    case ack
    /// Resolve an open or acknowledged ticket, with an optional note.
    case resolve
    /// Add a note to a ticket in any status; the note is required.
    case comment
    /// Reopen a resolved ticket.
    case reopen

    /// Whether the action needs a note.
    public var requiresNote: Bool { self == .comment }
}
