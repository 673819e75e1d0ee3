/// Runs store transactions one at a time in the background, so the next batch is processed while the last
/// one is written and synced (the disk flush of `synchronous = FULL` is most of a group commit's time, and the
/// pipeline would otherwise sit idle through it).
///
/// Submitting waits for the transaction in flight first: transactions land in submission order, a failure
/// surfaces at the next ``submit(_:)`` or ``wait()``, and at most one batch is held beyond the one being
/// processed. Whatever must happen only once a batch is durable (telling the journal, the ticket feed,
/// metrics) belongs in the submitted work, after the commit.
struct BackgroundCommitter: Sendable {
    private var inFlight: Task<Void, any Error>?

    /// Creates a committer with nothing in flight.
    init() {}

    /// Waits for the transaction in flight (rethrowing its error), then starts `work` without waiting for it.
    mutating func submit(_ work: @escaping @Sendable () async throws -> Void) async throws {
        try await wait()
        inFlight = Task { try await work() }
    }

    /// Waits until nothing is in flight; rethrows the error of a transaction that failed.
    mutating func wait() async throws {
        guard let task = inFlight else { return }
        inFlight = nil
        try await task.value
    }
}
