public import LinliCore

/// The deadline a ticket is working against now, and whether it has passed: what the board counts down to
/// and what "overdue" means everywhere (board, ledger, metrics).
///
/// An open ticket works against its acknowledge-by time (or, without one, its resolve-by time); an
/// acknowledged one against its resolve-by time; a resolved one against nothing. A ticket is overdue when
/// its current deadline has passed, or when its resolve-by time has (an open ticket can miss both).
public struct TicketDeadline: Sendable, Hashable {
    /// Which SLA the deadline belongs to.
    public enum Kind: String, Sendable, Hashable {
        /// Acknowledge by.
        case acknowledge
        /// Resolve by.
        case resolve
    }

    /// Which SLA.
    public var kind: Kind
    /// When.
    public var due: EventTime

    /// The deadline `ticket` works against now, or `nil` (resolved, or no SLA).
    public init?(for ticket: Ticket) {
        switch ticket.status {
        case .open:
            if let ack = ticket.ackDueAt {
                self.init(kind: .acknowledge, due: ack)
            } else if let resolve = ticket.resolveDueAt {
                self.init(kind: .resolve, due: resolve)
            } else {
                return nil
            }
        case .acknowledged:
            guard let resolve = ticket.resolveDueAt else { return nil }
            self.init(kind: .resolve, due: resolve)
        case .resolved:
            return nil
        }
    }

    /// Creates a deadline.
    public init(kind: Kind, due: EventTime) {
        self.kind = kind
        self.due = due
    }

    /// Whether `ticket` is unresolved and past a deadline at `now`.
    public static func isOverdue(_ ticket: Ticket, at now: EventTime) -> Bool {
        guard ticket.status != .resolved else { return false }
        if let deadline = TicketDeadline(for: ticket), deadline.due < now { return true }
        if let resolve = ticket.resolveDueAt, resolve < now { return true }
        return false
    }
}
