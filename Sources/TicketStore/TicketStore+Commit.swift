import Foundation
import GRDB
import LinliCore

extension TicketStore {
    /// Writes a batch in one transaction: all of it is stored, or, when any part fails, none of it.
    ///
    /// Ticket rows are upserted and their new history appended in the order of ``IngestBatch/changes``, all
    /// stamped with one new revision; dead letters are appended; the seen events go into one `seen_batch`
    /// row; engine state blobs replace those with the same key (appended to the log of
    /// ``EngineStateLog``). Each statement is prepared once per
    /// connection and re-bound per row, so a batch of hundreds of tickets costs one transaction and one sync.
    ///
    /// - Throws: ``TicketStoreError/duplicateOpenTicket(_:)`` when a change would leave two unresolved tickets
    ///   with one de-duplication key (including two in the same batch), ``TicketStoreError/invalidTicketID(_:)``
    ///   for a malformed id, or the database's error (e.g. `SQLITE_BUSY` past the busy timeout); the
    ///   transaction is rolled back in every case.
    public func commit(_ batch: IngestBatch) async throws {
        guard !batch.isEmpty else { return }
        try await writer.write { db in
            if !batch.changes.isEmpty {
                let revision = try Self.nextRevision(in: db)
                for change in batch.changes {
                    try Self.apply(change, revision: revision, byEngine: true, in: db)
                }
            }
            if !batch.deadLetters.isEmpty {
                let insert = try db.cachedStatement(sql: DeadLetterRecord.insertSQL)
                for deadLetter in batch.deadLetters {
                    try insert.execute(arguments: DeadLetterRecord.insertArguments(deadLetter))
                }
            }
            if !batch.seenEvents.isEmpty {
                let insert = try db.cachedStatement(sql: "INSERT INTO seen_batch (count, events) VALUES (?, ?)")
                try insert.execute(arguments: [batch.seenEvents.count, Data(SeenEventBlob.encode(batch.seenEvents))])
            }
            if !batch.engineState.isEmpty {
                try EngineStateLog.append(batch.engineState, foldBytes: engineStateLogBytes, in: db)
            }
        }
    }
}
