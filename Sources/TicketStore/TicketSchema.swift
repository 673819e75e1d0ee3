import Foundation
import GRDB
import LinliCore

/// The ticket database's schema, defined only through migrations.
///
/// The invariants live in SQL so that every writer (the daemon, the CLI) is held to them: `NOT NULL` columns,
/// `CHECK`s on the closed value sets, ids that match their numbers, subjects that match their device or
/// resident columns, an append-only history, and a partial unique index that allows one unresolved ticket
/// per de-duplication key.
enum TicketSchema {
    /// The migrator that brings a database file up to the current schema.
    ///
    /// Migration identifiers are never renamed or edited once shipped; a schema change is a new migration.
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1.createTickets", migrate: createTickets)
        migrator.registerMigration("v1.createTicketHistory", migrate: createTicketHistory)
        migrator.registerMigration("v1.createDeadLetters", migrate: createDeadLetters)
        migrator.registerMigration("v1.createSeenEvents", migrate: createSeenEvents)
        migrator.registerMigration("v1.createEngineState", migrate: createEngineState)
        migrator.registerMigration("v2.seenEventBatches", migrate: batchSeenEvents)
        migrator.registerMigration("v2.engineStateLog", migrate: createEngineStateLog)
        migrator.registerMigration("v2.manualRevision", migrate: addManualRevision)
        return migrator
    }()

    /// The `ticket` table: one row per ticket, every field of the contract's `tickets.md`.
    ///
    /// Times are INTEGER milliseconds since the epoch, `evidence` is a JSON array of strings, and `revision`
    /// is the global write sequence that ``TicketStore/changesSince(revision:)`` polls.
    private static func createTickets(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE ticket (
                    id TEXT NOT NULL PRIMARY KEY,
                    number INTEGER NOT NULL CHECK (number >= 0),
                    site TEXT NOT NULL,
                    rule TEXT NOT NULL,
                    rule_version TEXT NOT NULL,
                    title TEXT NOT NULL,
                    description TEXT NOT NULL,
                    severity TEXT NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low')),
                    team TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
                    subject TEXT NOT NULL,
                    device TEXT,
                    resident TEXT,
                    location TEXT NOT NULL,
                    lat REAL,
                    long REAL,
                    opened_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    ack_due_at INTEGER,
                    resolve_due_at INTEGER,
                    acknowledged_at INTEGER,
                    resolved_at INTEGER,
                    resolution TEXT,
                    escalation_level INTEGER NOT NULL CHECK (escalation_level >= 0),
                    occurrences INTEGER NOT NULL CHECK (occurrences >= 0),
                    last_event_at INTEGER NOT NULL,
                    evidence TEXT NOT NULL CHECK (json_valid(evidence) AND json_type(evidence) = 'array'),
                    revision INTEGER NOT NULL,
                    CHECK (id = 'T-' || printf('%06d', number)),
                    CHECK (
                        CASE
                            WHEN substr(subject, 1, 7) = 'device:'
                                THEN device IS substr(subject, 8) AND resident IS NULL
                            WHEN substr(subject, 1, 9) = 'resident:'
                                THEN resident IS substr(subject, 10) AND device IS NULL
                            ELSE 0
                        END
                    )
                ) STRICT
                """
        )
        // One unresolved ticket per de-duplication key, enforced by SQLite rather than by the engine alone.
        try db.execute(
            sql: """
                CREATE UNIQUE INDEX ticket_unresolved_dedup_key
                ON ticket (rule, site, subject) WHERE status != 'resolved'
                """
        )
        try db.execute(sql: "CREATE UNIQUE INDEX ticket_number ON ticket (number)")
        try db.execute(sql: "CREATE INDEX ticket_status_opened_at ON ticket (status, opened_at)")
        try db.execute(sql: "CREATE INDEX ticket_site_status ON ticket (site, status)")
        try db.execute(sql: "CREATE INDEX ticket_team_status ON ticket (team, status)")
        try db.execute(sql: "CREATE INDEX ticket_rule_status ON ticket (rule, status)")
        try db.execute(sql: "CREATE INDEX ticket_opened_at ON ticket (opened_at)")
        try db.execute(sql: "CREATE INDEX ticket_updated_at ON ticket (updated_at)")
        try db.execute(sql: "CREATE INDEX ticket_revision ON ticket (revision)")
    }

    /// The `ticket_history` table: append-only, `seq` numbers each ticket's entries from 1.
    private static func createTicketHistory(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE ticket_history (
                    ticket_id TEXT NOT NULL REFERENCES ticket (id),
                    seq INTEGER NOT NULL CHECK (seq >= 1),
                    at INTEGER NOT NULL,
                    action TEXT NOT NULL CHECK (
                        action IN (
                            'opened', 'occurred', 'escalated', 'acknowledged', 'resolved', 'reopened', 'commented'
                        )
                    ),
                    actor TEXT NOT NULL,
                    note TEXT,
                    PRIMARY KEY (ticket_id, seq)
                ) STRICT, WITHOUT ROWID
                """
        )
        try db.execute(
            sql: """
                CREATE TRIGGER ticket_history_no_update BEFORE UPDATE ON ticket_history
                BEGIN SELECT RAISE(ABORT, 'ticket_history is append-only'); END
                """
        )
        try db.execute(
            sql: """
                CREATE TRIGGER ticket_history_no_delete BEFORE DELETE ON ticket_history
                BEGIN SELECT RAISE(ABORT, 'ticket_history is append-only'); END
                """
        )
    }

    /// The `dead_letter` table: rejected messages with their reason and the first bytes of the payload.
    private static func createDeadLetters(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE dead_letter (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    received_at INTEGER NOT NULL,
                    topic TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    payload_prefix BLOB NOT NULL,
                    payload_size INTEGER NOT NULL CHECK (payload_size >= length(payload_prefix))
                ) STRICT
                """
        )
        try db.execute(sql: "CREATE INDEX dead_letter_received_at ON dead_letter (received_at)")
    }

    /// The `seen_event` table: event ids already processed, for de-duplicating redeliveries; pruned by time.
    private static func createSeenEvents(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE seen_event (
                    source TEXT NOT NULL,
                    event_id TEXT NOT NULL,
                    time INTEGER NOT NULL,
                    PRIMARY KEY (source, event_id)
                ) STRICT, WITHOUT ROWID
                """
        )
        try db.execute(sql: "CREATE INDEX seen_event_time ON seen_event (time)")
    }

    /// The `engine_state` table: opaque blobs the engine persists with its tickets.
    private static func createEngineState(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE engine_state (
                    key TEXT NOT NULL PRIMARY KEY,
                    value BLOB NOT NULL
                ) STRICT, WITHOUT ROWID
                """
        )
    }

    /// Replaces `seen_event` (a row and two index entries per event) by `seen_batch`: one row per committed
    /// batch, its events in a blob (``SeenEventBlob``), in commit order. The rows already stored move into
    /// one batch, oldest first.
    private static func batchSeenEvents(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE seen_batch (
                    id INTEGER PRIMARY KEY,
                    count INTEGER NOT NULL CHECK (count > 0),
                    events BLOB NOT NULL
                ) STRICT
                """
        )
        var existing: [SeenEvent] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT source, event_id, time FROM seen_event ORDER BY time, source, event_id")
        while let row = try rows.next() {
            existing.append(SeenEvent(source: row[0], id: row[1], time: EventTime(milliseconds: row[2])))
        }
        if !existing.isEmpty {
            try db.execute(
                sql: "INSERT INTO seen_batch (count, events) VALUES (?, ?)",
                arguments: [existing.count, Data(SeenEventBlob.encode(existing))]
            )
        }
        try db.execute(sql: "DROP TABLE seen_event")
    }

    /// The `engine_state_log` table: engine state changes appended per batch, folded into `engine_state` now
    /// and then (``EngineStateLog``); `log_bytes` is the log's size up to and including the row.
    private static func createEngineStateLog(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE engine_state_log (
                    id INTEGER PRIMARY KEY,
                    log_bytes INTEGER NOT NULL CHECK (log_bytes >= 0),
                    entries BLOB NOT NULL
                ) STRICT
                """
        )
    }

    /// `ticket.manual_revision`: the revision of the latest change people made to the ticket (0: none), so
    /// the daemon can poll for people's changes without reading back its own writes
    /// (``TicketStore/peopleChangesSince(revision:)``).
    private static func addManualRevision(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE ticket ADD COLUMN manual_revision INTEGER NOT NULL DEFAULT 0")
        try db.execute(sql: "CREATE INDEX ticket_manual_revision ON ticket (manual_revision)")
    }
}
