import Dispatch
import GRDB
import GRDBSQLite
import Synchronization

/// Copies the write-ahead log into the database file on a connection of its own, so the copy and the file's sync
/// are no part of any commit.
///
/// SQLite's automatic checkpoint runs on the committing connection, right after the commit whose pages reached
/// the threshold: that commit, and every write queued behind it, waits for the copy and a second sync. At
/// 5,000 events a second that put about 1.5 ms on the 99th percentile of a ticket's transaction. Here the
/// writer's `wal_hook` (which replaces the automatic checkpoint) reports the log's size after each commit, and
/// once it reaches ``TicketStore/Configuration/checkpointPages`` a `PASSIVE` checkpoint runs on this
/// connection's queue: it copies what no reader still needs and waits for nobody. Requests that arrive while one
/// runs are merged into one more.
final class BackgroundCheckpointer: Sendable {
    private let path: String
    private let configuration: GRDB.Configuration
    private let pages: Int32
    private let queue = DispatchQueue(label: "linli.store.checkpoint")
    /// Opened on `queue` at the first checkpoint (after the pool has made the file a WAL database), used and
    /// closed only there.
    nonisolated(unsafe) private var connection: DatabaseQueue?
    private struct State {
        var running = false
        var again = false
        var closed = false
    }
    private let state = Mutex(State())

    /// A checkpointer for the database file at `path`, checkpointing once the log holds `pages` pages.
    init(path: String, configuration: GRDB.Configuration, pages: Int) {
        self.path = path
        self.configuration = configuration
        self.pages = Int32(clamping: pages)
    }

    /// Installs the hook on a writing connection (in its `prepareDatabase`), in place of SQLite's automatic
    /// checkpoint.
    func install(on db: Database) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        sqlite3_wal_hook(
            db.sqliteConnection,
            { context, _, _, frames in
                guard let context else { return SQLITE_OK }
                let checkpointer = Unmanaged<BackgroundCheckpointer>.fromOpaque(context).takeUnretainedValue()
                if frames >= checkpointer.pages { checkpointer.request() }
                return SQLITE_OK
            },
            context
        )
    }

    /// Starts a checkpoint, or asks for one more after the one running.
    func request() {
        let start = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            if state.running {
                state.again = true
                return false
            }
            state.running = true
            return true
        }
        if start { queue.async { self.run() } }
    }

    /// Returns once the checkpoints requested so far have run.
    func waitUntilIdle() {
        queue.sync {}
    }

    /// Stops taking requests and closes the connection once the checkpoint running, if any, is done.
    func close() throws {
        state.withLock { $0.closed = true }
        try queue.sync {
            try connection?.close()
            connection = nil
        }
    }

    private func run() {
        repeat {
            // A failure (a disk error) is left for the next commit's request, as SQLite leaves a failed automatic
            // checkpoint.
            do {
                if connection == nil { connection = try DatabaseQueue(path: path, configuration: configuration) }
                try connection?.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
            } catch {}
        } while state.withLock { state in
            defer { state.again = false }
            if !state.again || state.closed { state.running = false }
            return state.again && !state.closed
        }
    }
}
