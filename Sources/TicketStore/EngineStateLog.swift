import Foundation
import GRDB

/// How the engine's state blobs are persisted: a base table plus an append-only log, folded together now and
/// then, so that a batch costs one appended row however many subjects it changed.
///
/// A daemon tracking 100k devices changes the state of nearly one subject per event (its last sign of life).
/// Upserting those one row each would rewrite one B-tree page per event; appended to the log, a batch of a
/// thousand changes fills a few pages. When the log holds ``TicketStore/Configuration/engineStateLogBytes``,
/// the next commit folds it into `engine_state` (the newest value of each key wins), which then rewrites the
/// table's pages about once for many batches.
///
/// An entry of the log is a sequence of key/value pairs, each as the key's UTF-8 length (`UInt32`, little
/// endian), the key, the value's length (`UInt32`) and the value: an ``EngineStateBlobs`` as it is built.
enum EngineStateLog {
    /// Calls `body` with each key and value of a log entry, in order; returns `false` when the entry is damaged.
    static func forEach(in entry: some ContiguousBytes, _ body: (String, [UInt8]) throws -> Void) rethrows -> Bool {
        try forEachPair(in: entry) { try decoded($0, $1, body) }
    }

    /// Calls `body` with a pair's key as a string and value as an array; `false` when the key is not UTF-8.
    private static func decoded(_ key: RawBytes, _ value: RawBytes, _ body: (String, [UInt8]) throws -> Void) rethrows -> Bool {
        guard let key = String(validating: key, as: UTF8.self) else { return false }
        try body(key, Array(value))
        return true
    }

    /// Calls `body` with the bytes of each key and value of a log entry, in order, until it returns `false`;
    /// returns `false` when the entry is damaged or `body` refused a pair.
    private static func forEachPair(
        in entry: some ContiguousBytes,
        _ body: (RawBytes, RawBytes) throws -> Bool
    ) rethrows -> Bool {
        try entry.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                guard let key = read(buffer, &offset), let value = read(buffer, &offset), try body(key, value) else {
                    return false
                }
            }
            return true
        }
    }

    /// A key's or a value's bytes within a log entry.
    private typealias RawBytes = UnsafeRawBufferPointer.SubSequence

    /// Appends a log entry; folds the log into the base table first when it has grown to `foldBytes`.
    ///
    /// Each row carries the log's running size (`log_bytes`), so the size is read from the newest row alone.
    static func append(_ state: EngineStateBlobs, foldBytes: Int, in db: Database) throws {
        let newest = try db.cachedStatement(sql: "SELECT log_bytes FROM engine_state_log ORDER BY id DESC LIMIT 1")
        var logged = try Int.fetchOne(newest) ?? 0
        if logged >= foldBytes {
            try fold(in: db)
            logged = 0
        }
        let entry = state.entry
        let insert = try db.cachedStatement(sql: "INSERT INTO engine_state_log (log_bytes, entries) VALUES (?, ?)")
        try insert.execute(arguments: [logged + entry.count, Data(entry)])
    }

    /// Every state blob by key: the base table overlaid with the log, oldest entry first.
    static func all(in db: Database) throws -> [String: [UInt8]] {
        var state: [String: [UInt8]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT key, value FROM engine_state") {
            let key = (try? row.decode(String.self, forColumn: "key")) ?? "?"
            let reader = RowReader(row: row, table: "engine_state", key: key)
            state[try reader.value("key", as: String.self)] = Array(try reader.value("value", as: Data.self))
        }
        try forEachEntry(in: db) { key, value in state[key] = value }
        return state
    }

    /// The blob stored under one key: its base row overlaid with the log, without decoding the other keys'
    /// base rows (the pipeline reads its journal position this way at start).
    static func value(for key: String, in db: Database) throws -> [UInt8]? {
        var value = try Data.fetchOne(db, sql: "SELECT value FROM engine_state WHERE key = ?", arguments: [key]).map(Array.init)
        try forEachEntry(in: db) { logged, blob in
            if logged == key { value = blob }
        }
        return value
    }

    /// Writes the newest value of every logged key into the base table and empties the log.
    ///
    /// Reads the log newest entry first and writes each key the first time it is met (within one entry each key
    /// appears once), so it holds only a 128-bit fingerprint per key written, not the keys or their values: with
    /// 110,000 watched subjects a map of the newest values was the daemon's largest passing use of memory (25 MB;
    /// a set of the keys, 16 MB; the fingerprints, 4 MB). Two keys share a fingerprint with a probability of about
    /// 10⁻²⁹ per fold.
    static func fold(in db: Database) throws {
        let upsert = try db.cachedStatement(
            sql: """
                INSERT INTO engine_state (key, value) VALUES (?, COALESCE(?, X''))
                ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """
        )
        var written = Set<KeyFingerprint>()
        // A key met again (most of them: a device reports many times between folds) is skipped on its bytes,
        // before any string is made. An empty blob binds as NULL, hence the COALESCE.
        try forEachEntryPairs(in: db, newestFirst: true) { keyBytes, value in
            guard written.insert(KeyFingerprint(UnsafeRawBufferPointer(rebasing: keyBytes))).inserted else { return true }
            guard let key = String(validating: keyBytes, as: UTF8.self) else { return false }
            try upsert.execute(arguments: [key, Data(value)])
            return true
        }
        try db.execute(sql: "DELETE FROM engine_state_log")
    }

    /// Two independent 64-bit hashes of a key (the process's seeded SipHash, salted two ways).
    private struct KeyFingerprint: Hashable {
        let first: Int
        let second: Int

        init(_ key: UnsafeRawBufferPointer) {
            var first = Hasher()
            first.combine(UInt8(1))
            first.combine(bytes: key)
            var second = Hasher()
            second.combine(UInt8(2))
            second.combine(bytes: key)
            self.first = first.finalize()
            self.second = second.finalize()
        }
    }

    private static func forEachEntry(in db: Database, _ body: (String, [UInt8]) throws -> Void) throws {
        try forEachEntryPairs(in: db, newestFirst: false) { try decoded($0, $1, body) }
    }

    /// Every key and value of the log as bytes, entry by entry; `body` returns `false` for a pair it finds damaged.
    private static func forEachEntryPairs(
        in db: Database,
        newestFirst: Bool,
        _ body: (RawBytes, RawBytes) throws -> Bool
    ) throws {
        let order = newestFirst ? "DESC" : "ASC"
        let rows = try Row.fetchCursor(db, sql: "SELECT id, entries FROM engine_state_log ORDER BY id \(order)")
        while let row = try rows.next() {
            let id: Int64 = row[0]
            guard try forEachPair(in: row[1] as Data, body) else {
                throw TicketStoreError.corrupt("engine_state_log \(id): column entries is not a state log entry")
            }
        }
    }

    private static func read(_ buffer: UnsafeRawBufferPointer, _ offset: inout Int) -> UnsafeRawBufferPointer.SubSequence? {
        guard offset + 4 <= buffer.count else { return nil }
        let length = Int(UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        offset += 4
        guard length <= buffer.count - offset else { return nil }
        defer { offset += length }
        return buffer[offset..<(offset + length)]
    }
}
