import Foundation
import GRDB
import LinliCore

/// Every ticket and its history, the dead letters, the seen events and the engine's state, in one SQLite file.
///
/// The daemon opens one store per file for its whole life; the CLI opens the same file to list, acknowledge
/// and resolve tickets while the daemon runs. The file is in WAL mode, so readers never block the writer;
/// writers queue behind each other (across processes, for up to ``Configuration/busyTimeout``).
///
/// Each write method is one transaction: ``commit(_:)`` stores a whole ``IngestBatch`` or nothing of it, and
/// the manual transitions (``acknowledge(id:actor:at:note:)`` and the others) check the status they read in
/// the same transaction as their write. The schema enforces the invariants, notably one unresolved ticket
/// per ``LinliCore/DedupKey`` (``TicketStoreError/duplicateOpenTicket(_:)``).
///
/// Every ticket row carries a revision from a global sequence, raised on every write to it, so a process
/// can learn of changes made by another through ``changesSince(revision:)``.
///
/// ```swift
/// let store = try TicketStore(path: "/var/lib/linli/tickets.sqlite")
/// try await store.commit(IngestBatch(changes: [TicketChange(ticket: ticket, newHistory: [opened])]))
/// let open = try await store.tickets(matching: TicketFilter(statuses: [.open]))
/// ```
///
/// - Important: Open one store per file per process and share it; it is `Sendable`.
public final class TicketStore: Sendable {
    /// The database: a `DatabasePool` on a file, a `DatabaseQueue` in memory.
    let writer: any DatabaseWriter
    /// See ``Configuration/engineStateLogBytes``.
    let engineStateLogBytes: Int
    /// Copies the write-ahead log into the file off the commit path (files only).
    let checkpointer: BackgroundCheckpointer?

    /// Opens (creating it if needed) the database file at `path` and brings its schema up to date.
    ///
    /// - Parameters:
    ///   - path: The SQLite file; its directory must exist.
    ///   - configuration: Busy timeout and durability.
    /// - Throws: The database's error when the file cannot be opened or migrated.
    public convenience init(path: String, configuration: Configuration = Configuration()) throws {
        var databaseConfiguration = GRDB.Configuration()
        databaseConfiguration.busyMode = .timeout(Self.seconds(configuration.busyTimeout))
        let synchronous = configuration.durability == .full ? "FULL" : "NORMAL"
        let checkpointer = BackgroundCheckpointer(
            path: path,
            configuration: databaseConfiguration,
            pages: configuration.checkpointPages
        )
        databaseConfiguration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            if !db.configuration.readonly { checkpointer.install(on: db) }
        }
        try self.init(
            writer: DatabasePool(path: path, configuration: databaseConfiguration),
            engineStateLogBytes: configuration.engineStateLogBytes,
            checkpointer: checkpointer
        )
    }

    /// Wraps a database connection and brings its schema up to date.
    init(
        writer: any DatabaseWriter,
        engineStateLogBytes: Int = Configuration().engineStateLogBytes,
        checkpointer: BackgroundCheckpointer? = nil
    ) throws {
        do {
            try TicketSchema.migrator.migrate(writer)
        } catch {
            // Two processes opening a new file at once can both try the first migration; the loser fails on
            // the winner's tables. Running the migrator again sees them applied and does nothing.
            try TicketSchema.migrator.migrate(writer)
        }
        self.writer = writer
        self.engineStateLogBytes = engineStateLogBytes
        self.checkpointer = checkpointer
    }

    /// A store in memory, empty, for tests: nothing is written to disk, and it is gone when released.
    ///
    /// - Parameter engineStateLogBytes: See ``Configuration/engineStateLogBytes``.
    public static func inMemory(engineStateLogBytes: Int = Configuration().engineStateLogBytes) throws -> TicketStore {
        try TicketStore(writer: DatabaseQueue(), engineStateLogBytes: engineStateLogBytes)
    }

    /// Closes the database; every later call throws.
    ///
    /// Releasing the store closes it too; call this to close it at a known point (e.g. at shutdown).
    public func close() throws {
        try checkpointer?.close()
        try writer.close()
    }

    /// A duration in (fractional) seconds.
    private static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
