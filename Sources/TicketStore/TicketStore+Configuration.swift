extension TicketStore {
    /// How a ticket database file is opened.
    public struct Configuration: Sendable, Hashable {
        /// How hard SQLite works to keep a committed transaction through a crash.
        ///
        /// The file is always in WAL mode, where both levels keep the database consistent.
        public enum Durability: String, Sendable, Hashable, CaseIterable {
            /// `synchronous = FULL`: the WAL is synced on every commit, so a committed batch survives a power
            /// loss or an OS crash too. With group commit that is one sync per batch, not per ticket.
            case full
            /// `synchronous = NORMAL`: a committed batch survives the process crashing, but the last
            /// transactions before a power loss or OS crash may be rolled back (never corrupted).
            case normal
        }

        /// How long a write waits for another process (the CLI, the daemon) holding the write lock before
        /// failing with `SQLITE_BUSY`.
        public var busyTimeout: Duration
        /// The durability level.
        public var durability: Durability
        /// How many bytes of engine state changes are appended to the log before the next commit folds
        /// them into the base table (``EngineStateLog``). Larger: cheaper commits on average, a longer
        /// fold now and then, and more to read at start.
        public var engineStateLogBytes: Int
        /// After a commit leaves at least this many pages in the write-ahead log, a connection of the store's own
        /// copies them into the database file in the background (``BackgroundCheckpointer``), so no commit waits
        /// for the copy or its sync. Each checkpoint syncs the file once; a small log keeps each copy short and
        /// the log file small.
        public var checkpointPages: Int

        /// Creates a configuration: a 5-second busy timeout, ``Durability/full``, a 32 MiB engine state
        /// log and checkpoints every 128 pages by default.
        public init(
            busyTimeout: Duration = .seconds(5),
            durability: Durability = .full,
            engineStateLogBytes: Int = 32 << 20,
            checkpointPages: Int = 128
        ) {
            self.busyTimeout = busyTimeout
            self.durability = durability
            self.engineStateLogBytes = engineStateLogBytes
            self.checkpointPages = checkpointPages
        }
    }
}
