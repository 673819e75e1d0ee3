/// Where a ticket is in its life.
public enum TicketStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// Raised, nobody has taken it yet; escalates when not acknowledged in time.
    case open
    /// A person took it; escalation stops.
    case acknowledged
    /// Done, by a person or because the condition cleared. A new trigger opens a new ticket.
    case resolved
}
