public import LinliCore

/// Why the ticket store refused a read or a write.
///
/// Other failures (the file cannot be opened, the database stays locked by another process past the busy
/// timeout, the disk is full) are thrown as the database library's own errors, whose `description` names the
/// SQLite result code without the statement's arguments.
public enum TicketStoreError: Error, Equatable, CustomStringConvertible {
    /// No ticket has this id.
    case notFound(String)
    /// The ticket's status does not allow this action (e.g. acknowledging a resolved ticket).
    case invalidTransition(id: String, from: TicketStatus, action: HistoryEntry.Action)
    /// Another ticket with this de-duplication key is not resolved yet (the schema allows one).
    case duplicateOpenTicket(DedupKey)
    /// The id is not one ``TicketID/make(_:)`` makes, e.g. `T-42` instead of `T-000042`.
    case invalidTicketID(String)
    /// A stored row does not decode into a Core value: the table, the row and the column are named.
    case corrupt(String)

    public var description: String {
        switch self {
        case .notFound(let id):
            "no ticket \(id)"
        case .invalidTransition(let id, let from, let action):
            "ticket \(id) is \(from.rawValue): cannot record \(action.rawValue)"
        case .duplicateOpenTicket(let key):
            "an unresolved ticket already exists for \(key)"
        case .invalidTicketID(let id):
            "invalid ticket id \"\(id)\": expected T- and at least six digits, e.g. T-000042"
        case .corrupt(let detail):
            "corrupt ticket database: \(detail)"
        }
    }
}
