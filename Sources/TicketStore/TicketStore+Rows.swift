import GRDB
import LinliCore

/// Statements shared by the store's reads and writes, run inside a caller's transaction.
///
/// Every statement is a cached one: prepared once per connection, re-bound for each row.
extension TicketStore {
    /// The revision for the rows written by the current write transaction: one more than any stored.
    ///
    /// Write transactions are serialized (IMMEDIATE, across processes too), so revisions only grow, and all
    /// the rows written by one transaction share one.
    static func nextRevision(in db: Database) throws -> Int64 {
        let statement = try db.cachedStatement(sql: "SELECT COALESCE(MAX(revision), 0) + 1 FROM ticket")
        return try Int64.fetchOne(statement) ?? 1
    }

    /// The highest revision stored, 0 for an empty store.
    static func currentRevision(in db: Database) throws -> Int64 {
        let statement = try db.cachedStatement(sql: "SELECT COALESCE(MAX(revision), 0) FROM ticket")
        return try Int64.fetchOne(statement) ?? 0
    }

    /// Upserts the change's ticket stamped with `revision`, then appends its new history entries.
    ///
    /// `byEngine` writes with ``TicketRecord/mergeSQL`` (never undoing a person's acknowledgement or
    /// resolution); people's transitions write with ``TicketRecord/replaceSQL`` and mark the ticket's
    /// `manual_revision`.
    ///
    /// - Throws: ``TicketStoreError/duplicateOpenTicket(_:)`` when another unresolved ticket has the same
    ///   de-duplication key, ``TicketStoreError/invalidTicketID(_:)`` for a malformed id.
    static func apply(_ change: TicketChange, revision: Int64, byEngine: Bool, in db: Database) throws {
        let arguments = try TicketRecord(ticket: change.ticket).upsertArguments(revision: revision)
        let upsert = try db.cachedStatement(sql: byEngine ? TicketRecord.mergeSQL : TicketRecord.replaceSQL)
        do {
            try upsert.execute(arguments: arguments)
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            // Conflicts on `id` become updates, and `number` follows `id` (CHECK), so the only unique index
            // left to violate is the partial one on the de-duplication key.
            throw TicketStoreError.duplicateOpenTicket(change.ticket.dedupKey)
        }
        if !byEngine {
            let mark = try db.cachedStatement(sql: "UPDATE ticket SET manual_revision = ? WHERE id = ?")
            try mark.execute(arguments: [revision, change.ticket.id])
        }
        guard !change.newHistory.isEmpty else { return }
        let append = try db.cachedStatement(sql: HistoryRecord.appendSQL)
        for entry in change.newHistory {
            try append.execute(arguments: HistoryRecord.appendArguments(ticketID: change.ticket.id, entry: entry))
        }
    }

    /// The ticket with `id`, with or without its history, or `nil`.
    static func fetchTicket(id: String, includesHistory: Bool, in db: Database) throws -> Ticket? {
        let statement = try db.cachedStatement(sql: "SELECT \(TicketRecord.selection) FROM ticket WHERE id = ?")
        guard var ticket = try TicketRecord.fetchOne(statement, arguments: [id])?.ticket else { return nil }
        if includesHistory {
            ticket.history = try history(of: id, in: db)
        }
        return ticket
    }

    /// The tickets a `SELECT` of ``TicketRecord/selection`` returns, in its order, with or without history.
    static func fetchTickets(
        sql: String,
        arguments: StatementArguments,
        includesHistory: Bool,
        in db: Database
    ) throws -> [Ticket] {
        let statement = try db.cachedStatement(sql: sql)
        var tickets = try TicketRecord.fetchAll(statement, arguments: arguments).map(\.ticket)
        if includesHistory {
            for index in tickets.indices {
                tickets[index].history = try history(of: tickets[index].id, in: db)
            }
        }
        return tickets
    }

    /// A ticket's history, oldest first.
    static func history(of ticketID: String, in db: Database) throws -> [HistoryEntry] {
        let statement = try db.cachedStatement(sql: HistoryRecord.selectOneSQL)
        return try HistoryRecord.fetchAll(statement, arguments: [ticketID]).map(\.entry)
    }
}
