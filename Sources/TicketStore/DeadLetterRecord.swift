import Foundation
import GRDB
import LinliCore

/// A `dead_letter` row, mapped to and from Core's ``DeadLetter``.
struct DeadLetterRecord: FetchableRecord {
    /// The dead letter.
    var deadLetter: DeadLetter

    /// Records a dead letter.
    ///
    /// An empty payload binds as NULL (SQLite binds a blob without bytes so), hence the `COALESCE`.
    static let insertSQL = """
        INSERT INTO dead_letter (received_at, topic, reason, detail, payload_prefix, payload_size)
        VALUES (?, ?, ?, ?, COALESCE(?, X''), ?)
        """

    /// Decodes a row of `dead_letter`.
    ///
    /// - Throws: ``TicketStoreError/corrupt(_:)`` naming the row and the column that does not decode.
    init(row: Row) throws {
        let rowID = (try? row.decode(Int64.self, forColumn: "id")).map(String.init) ?? "?"
        let reader = RowReader(row: row, table: "dead_letter", key: rowID)
        let prefix = try reader.value("payload_prefix", as: Data.self)
        var deadLetter = DeadLetter(
            topic: try reader.value("topic"),
            reason: try reader.value("reason"),
            detail: try reader.value("detail"),
            payload: Array(prefix),
            receivedAt: try reader.time("received_at")
        )
        deadLetter.payloadSize = try reader.int("payload_size")
        self.deadLetter = deadLetter
    }

    /// The arguments of ``insertSQL`` for `deadLetter`.
    static func insertArguments(_ deadLetter: DeadLetter) -> StatementArguments {
        [
            deadLetter.receivedAt.milliseconds, deadLetter.topic, deadLetter.reason, deadLetter.detail,
            Data(deadLetter.payloadPrefix), deadLetter.payloadSize,
        ]
    }
}
