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

    /// The seen events whose time is at or after `since`, each once, ordered by time (then source and id).
    public func seenEvents(since: EventTime) async throws -> [SeenEvent] {
        var unique = Set<SeenEvent>()
        return try await seenBatches(newest: .max).joined()
            .filter { $0.time >= since && unique.insert($0).inserted }
            .sorted { ($0.time, $0.source, $0.id) < ($1.time, $1.source, $1.id) }
    }

    /// The seen events of the newest committed batches that hold at least `count` events (all of them when
    /// there are fewer), in commit order: what the pipeline reloads on start to recognise redeliveries.
    public func seenEvents(newest count: Int) async throws -> [SeenEvent] {
        Array(try await seenBatches(newest: count).joined())
    }

    /// Forgets the oldest committed batches of seen events that are not needed to keep the newest `count`.
    ///
    /// - Returns: How many seen events were forgotten.
    @discardableResult
    public func pruneSeenEvents(keepingNewest count: Int) async throws -> Int {
        try await writer.write { db in
            var kept = 0
            var cutoff: Int64?
            let rows = try Row.fetchCursor(db, sql: "SELECT id, count FROM seen_batch ORDER BY id DESC")
            while let row = try rows.next() {
                if kept >= count {
                    cutoff = row[0]
                    break
                }
                kept += row[1] as Int
            }
            guard let cutoff else { return 0 }
            let forgotten = try Int.fetchOne(db, sql: "SELECT TOTAL(count) FROM seen_batch WHERE id <= ?", arguments: [cutoff]) ?? 0
            try db.execute(sql: "DELETE FROM seen_batch WHERE id <= ?", arguments: [cutoff])
            return forgotten
        }
    }

    /// The newest batches holding at least `count` events, oldest first.
    private func seenBatches(newest count: Int) async throws -> [[SeenEvent]] {
        try await writer.read { db in
            var batches: [[SeenEvent]] = []
            var total = 0
            let rows = try Row.fetchCursor(db, sql: "SELECT id, events FROM seen_batch ORDER BY id DESC")
            while total < count, let row = try rows.next() {
                let id: Int64 = row[0]
                guard let events = SeenEventBlob.decode(Array(row[1] as Data)) else {
                    throw TicketStoreError.corrupt("seen_batch \(id): column events is not a seen-event blob")
                }
                batches.append(events)
                total += events.count
            }
            return batches.reversed()
        }
    }

    /// The engine state blob stored under `key`, or `nil`.
    public func engineState(key: String) async throws -> [UInt8]? {
        try await writer.read { db in try EngineStateLog.value(for: key, in: db) }
    }

    /// Every engine state blob, by key.
    public func allEngineState() async throws -> [String: [UInt8]] {
        try await writer.read { db in try EngineStateLog.all(in: db) }
    }
}
