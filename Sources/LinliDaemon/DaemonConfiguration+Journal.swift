extension DaemonConfiguration {
    /// Inbox journal settings (see ``InboxJournal``).
    public struct Journal: Sendable, Hashable {
        /// Directory of the journal's segment files; `nil`: the store's path plus `.inbox`
        /// (`linli.sqlite.inbox/`), so a journal always travels with its store.
        public var directory: String?
        /// A segment file is closed, and deleted once applied, when it holds this many bytes.
        public var segmentBytes = 8 << 20
        /// Whether each message is flushed to the disk (`msync`) before it is acknowledged: survives a
        /// power loss, not only a crash of the daemon, at the cost of one disk flush per message.
        public var synchronous = false

        /// Creates the defaults.
        public init() {}
    }

    /// The journal's directory: ``Journal/directory`` or, by default, the store's path plus `.inbox`.
    public var journalDirectory: String {
        journal.directory ?? databasePath + ".inbox"
    }

    /// The journal's settings for ``InboxJournal``.
    public var journalConfiguration: InboxJournal.Configuration {
        InboxJournal.Configuration(
            directory: journalDirectory,
            segmentBytes: journal.segmentBytes,
            synchronous: journal.synchronous
        )
    }
}
