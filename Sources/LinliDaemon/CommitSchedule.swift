/// When the pipeline commits what it has processed.
///
/// Ticket changes commit at once: staff, the board and the ticket feed wait for them. Everything else a batch
/// leaves (last-seen times, the seen-event ids, dead letters, the journal position) waits until `batchSize`
/// messages are pending or `delay` has passed since the last commit. Waiting loses nothing: every message is in
/// the inbox journal before it is processed, and a restart applies again what the journal holds past the last
/// commit. At 5,000 events a second this turns about 2,000 synced transactions a second into about 200, so a
/// ticket's transaction rarely queues behind another one. A `delay` of zero commits after every batch. With
/// nothing processed since the last commit, nothing is due (an idle daemon does not wake its committer).
///
/// A commit that is due while the previous transaction is still being written (a state-log fold, a slow disk)
/// waits for it without holding up the pipeline: messages go on being processed, and their results join the
/// next commit, until `backlogLimit` messages are pending; then the pipeline waits for the transaction.
///
/// Time is an input: the pipeline passes the instants, tests pass their own.
struct CommitSchedule: Sendable {
    /// The longest results without a ticket change wait.
    let delay: Duration
    /// Pending messages that make a commit due at once.
    let batchSize: Int
    /// Pending messages beyond which a due commit waits for the transaction in flight rather than for the
    /// pipeline to find the committer idle: what bounds the results held in memory while a commit is slow.
    let backlogLimit: Int
    /// The default ``backlogLimit``, in batches.
    static let backlogBatches = 4
    private var lastCommit: ContinuousClock.Instant
    private var pendingMessages = 0
    private var pendingWork = false

    /// A schedule whose last commit was at `start`.
    /// - Parameter backlogLimit: see ``backlogLimit``; ``backlogBatches`` batches when not given.
    init(delay: Duration, batchSize: Int, backlogLimit: Int? = nil, start: ContinuousClock.Instant) {
        self.delay = delay
        self.batchSize = batchSize
        self.backlogLimit = backlogLimit ?? Self.backlogBatches * batchSize
        self.lastCommit = start
    }

    /// Counts messages processed since the last commit.
    mutating func processed(messages count: Int) {
        pendingMessages += count
        pendingWork = true
    }

    /// Notes an input other than messages that may have changed the engine's state (a tick, a reload).
    mutating func changed() {
        pendingWork = true
    }

    /// Whether to commit now, given whether the pending results hold a ticket change.
    func isDue(withTicketChanges hasTicketChanges: Bool, at now: ContinuousClock.Instant) -> Bool {
        hasTicketChanges || pendingMessages >= batchSize || (pendingWork && now - lastCommit >= delay)
    }

    /// Whether to start a commit now: it is due, and either the committer is idle or the backlog has reached
    /// ``backlogLimit`` (the commit then waits for the transaction in flight).
    func shouldCommit(withTicketChanges hasTicketChanges: Bool, committerBusy: Bool, at now: ContinuousClock.Instant) -> Bool {
        isDue(withTicketChanges: hasTicketChanges, at: now) && (!committerBusy || pendingMessages >= backlogLimit)
    }

    /// Records a commit started at `now`.
    mutating func committed(at now: ContinuousClock.Instant) {
        lastCommit = now
        pendingMessages = 0
        pendingWork = false
    }
}
