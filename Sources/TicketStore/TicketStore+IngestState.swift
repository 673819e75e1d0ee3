import Foundation
import GRDB
public import LinliCore

/// What the ingest pipeline keeps besides tickets: dead letters, seen events and the engine's state blobs,
/// all written by ``TicketStore/commit(_:)``.
extension TicketStore {
    /// Dead letters, most recently recorded first.
    ///
    /// - Parameters:
    ///   - limit: At most this many (negative counts as 0).
    ///   - offset: Skip this many first (negative counts as 0).
    public func deadLetters(limit: Int, offset: Int = 0) async throws -> [DeadLetter] {
        try await writer.read { db in
            let statement = try db.cachedStatement(
                sql: """
                    SELECT id, received_at, topic, reason, detail, payload_prefix, payload_size
                    FROM dead_letter ORDER BY id DESC LIMIT ? OFFSET ?
                    """
            )
            return try DeadLetterRecord.fetchAll(statement, arguments: [max(0, limit), max(0, offset)])
                .map(\.deadLetter)
        }
    }

    /// How many dead letters are recorded.
    public func deadLetterCount() async throws -> Int {
        try await writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dead_letter") ?? 0
        }
    }

    /// The seen events whose time is at or after `since`, oldest first: what the pipeline reloads on start
    /// to recognise redeliveries.
    public func seenEvents(since: EventTime) async throws -> [SeenEvent] {
        try await writer.read { db in
            let statement = try db.cachedStatement(
                sql: "SELECT source, event_id, time FROM seen_event WHERE time >= ? ORDER BY time, source, event_id"
            )
            return try Row.fetchAll(statement, arguments: [since.milliseconds]).map { row throws(TicketStoreError) in
                let reader = RowReader(row: row, table: "seen_event", key: "?")
                return SeenEvent(
                    source: try reader.value("source"),
                    id: try reader.value("event_id"),
                    time: try reader.time("time")
                )
            }
        }
    }

    /// Forgets the seen events whose time is before `before`.
    ///
    /// - Returns: How many were forgotten.
    @discardableResult
    public func pruneSeenEvents(before: EventTime) async throws -> Int {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM seen_event WHERE time < ?", arguments: [before.milliseconds])
            return db.changesCount
        }
    }

    /// The engine state blob stored under `key`, or `nil`.
    public func engineState(key: String) async throws -> [UInt8]? {
        try await writer.read { db in
            try Data.fetchOne(db, sql: "SELECT value FROM engine_state WHERE key = ?", arguments: [key]).map(Array.init)
        }
    }

    /// Every engine state blob, by key.
    public func allEngineState() async throws -> [String: [UInt8]] {
        try await writer.read { db in
            var state: [String: [UInt8]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM engine_state") {
                let key = (try? row.decode(String.self, forColumn: "key")) ?? "?"
                let reader = RowReader(row: row, table: "engine_state", key: key)
                state[try reader.value("key", as: String.self)] = Array(try reader.value("value", as: Data.self))
            }
            return state
        }
    }
}
