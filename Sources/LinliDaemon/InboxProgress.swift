import LinliCore
import Logging
import TicketStore

/// The ingest pipeline's bookkeeping around the ``InboxJournal``: how far journaled messages were taken into
/// the session, how far that is committed, and the pruning of the persisted de-duplication memory.
///
/// The journal position travels in the batch's own transaction (``stateToCommit``), so after a crash the
/// store says exactly which journaled messages its tickets include.
struct InboxProgress {
    /// The journal messages are written to before they are acknowledged.
    let journal: InboxJournal
    /// The highest journal sequence number taken into the session.
    private(set) var taken: UInt64
    /// The highest journal sequence number whose effects are committed, or submitted to be (commits land in order).
    private(set) var committed: UInt64
    private var pruner: SeenEventPruner

    /// Opens the journal of `configuration`, continuing after the position committed in `store`.
    static func open(configuration: DaemonConfiguration, store: TicketStore, logger: Logger) async throws -> InboxProgress {
        var applied: UInt64 = 0
        if let bytes = try await store.engineState(key: InboxJournal.appliedStateKey) {
            if let value = UInt64(String(decoding: bytes, as: UTF8.self)) {
                applied = value
            } else {
                logger.error(
                    "inbox journal: the committed position is unreadable; replaying the whole journal (redeliveries have no effect)"
                )
            }
        }
        let journal = try InboxJournal(configuration: configuration.journalConfiguration, appliedThrough: applied, logger: logger)
        return InboxProgress(journal: journal, applied: applied, capacity: configuration.deduplicationCapacity)
    }

    private init(journal: InboxJournal, applied: UInt64, capacity: Int) {
        self.journal = journal
        self.taken = applied
        self.committed = applied
        self.pruner = SeenEventPruner(capacity: capacity)
    }

    /// Notes that the message journaled as `sequence` was taken into the session (0: not journaled).
    mutating func take(_ sequence: UInt64) {
        taken = max(taken, sequence)
    }

    /// The engine-state entries to commit with the next batch: the journal position, when it moved.
    var stateToCommit: [String: [UInt8]] {
        taken > committed ? [InboxJournal.appliedStateKey: Array(String(taken).utf8)] : [:]
    }

    /// What to do for the journal once a batch is durable.
    struct Commit: Sendable {
        /// The journal position the batch includes, when it moved.
        let appliedThrough: UInt64?
        /// The de-duplication capacity to prune the seen events to, when it is time.
        let pruneKeepingNewest: Int?
    }

    /// Notes that the batch carrying ``stateToCommit`` and applying `seen` events is submitted (batches land
    /// in order, so its position counts as committed from now on); returns what to do once it is durable.
    mutating func submitted(applying seen: Int) -> Commit {
        let through = taken > committed ? taken : nil
        committed = taken
        return Commit(appliedThrough: through, pruneKeepingNewest: pruner.record(seen) ? pruner.capacity : nil)
    }

    /// After the batch of `commit` is durable: frees applied journal segments, prunes seen events beyond the
    /// de-duplication capacity, and reports the backlog.
    static func didCommit(_ commit: Commit, journal: InboxJournal, store: TicketStore, status: DaemonStatus) async throws {
        if let through = commit.appliedThrough { journal.markApplied(through: through) }
        if let capacity = commit.pruneKeepingNewest { try await store.pruneSeenEvents(keepingNewest: capacity) }
        report(journal, to: status)
    }

    /// Writes the backlog (journaled, not committed), the age of its oldest message and the journal's size.
    func report(to status: DaemonStatus) {
        Self.report(journal, to: status)
    }

    /// ``report(to:)`` for a journal.
    static func report(_ journal: InboxJournal, to status: DaemonStatus, now: EventTime = WallClock.now()) {
        let snapshot = journal.snapshot
        let lag = snapshot.oldestPendingReceivedAt.map { max(0, now.milliseconds - $0.milliseconds) } ?? 0
        status.setIngestBacklog(Int(snapshot.pending), lagMilliseconds: lag, journalBytes: snapshot.bytes)
    }
}
