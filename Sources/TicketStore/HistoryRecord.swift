import GRDB
import LinliCore

/// A `ticket_history` row, mapped to and from Core's ``HistoryEntry``.
struct HistoryRecord: FetchableRecord {
    /// The ticket it belongs to.
    var ticketID: String
    /// The entry.
    var entry: HistoryEntry

    /// Appends an entry after the ticket's last one (`seq` counts from 1 per ticket).
    static let appendSQL = """
        INSERT INTO ticket_history (ticket_id, seq, at, action, actor, note)
        VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM ticket_history WHERE ticket_id = ?1), ?2, ?3, ?4, ?5)
        """

    /// One ticket's entries, oldest first.
    static let selectOneSQL = """
        SELECT ticket_id, at, action, actor, note FROM ticket_history WHERE ticket_id = ? ORDER BY seq
        """

    /// Decodes a row with the columns of ``selectOneSQL``.
    ///
    /// - Throws: ``TicketStoreError/corrupt(_:)`` naming the ticket and the column that does not decode.
    init(row: Row) throws {
        let ticketID = (try? row.decode(String.self, forColumn: "ticket_id")) ?? "?"
        let reader = RowReader(row: row, table: "ticket_history", key: ticketID)
        self.ticketID = ticketID
        entry = HistoryEntry(
            at: try reader.time("at"),
            action: try reader.rawValue("action"),
            actor: try reader.value("actor"),
            note: try reader.optional("note")
        )
    }

    /// The arguments of ``appendSQL`` for `entry` of ticket `ticketID`.
    static func appendArguments(ticketID: String, entry: HistoryEntry) -> StatementArguments {
        [ticketID, entry.at.milliseconds, entry.action.rawValue, entry.actor, entry.note]
    }
}
