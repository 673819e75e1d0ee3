import Synchronization

/// Runs store transactions one at a time in the background, so the next batch is processed while the last
/// one is written and synced (the disk flush of `synchronous = FULL` is most of a group commit's time, and the
/// pipeline would otherwise sit idle through it).
///
/// Submitting waits for the transaction in flight first: transactions land in submission order, a failure
/// surfaces at the next ``submit(_:)`` or ``wait()``. A caller that would rather not wait asks ``isBusy`` first
/// and keeps processing while a slow transaction (a state-log fold, a slow disk) is written, then commits all it
/// gathered meanwhile in one; `onFinished` tells it when the transaction in flight is done. Whatever must happen
/// only once a batch is durable (telling the journal, the ticket feed, metrics) belongs in the submitted work,
/// after the commit.
struct BackgroundCommitter: Sendable {
    private var inFlight: Task<Void, any Error>?
    /// Transactions submitted, and (shared with their tasks) those finished, failed ones included.
    private var submitted = 0
    private let finished = FinishedCount()
    private let onFinished: @Sendable () -> Void

    /// Creates a committer with nothing in flight.
    /// - Parameter onFinished: called (on the transaction's task) each time a submitted transaction ends.
    init(onFinished: @escaping @Sendable () -> Void = {}) {
        self.onFinished = onFinished
    }

    /// Whether a submitted transaction is still being written: ``submit(_:)`` would wait for it.
    var isBusy: Bool {
        finished.value < submitted
    }

    /// Waits for the transaction in flight (rethrowing its error), then starts `work` without waiting for it.
    mutating func submit(_ work: @escaping @Sendable () async throws -> Void) async throws {
        try await wait()
        submitted += 1
        inFlight = Task { [finished, onFinished] in
            defer {
                finished.increment()
                onFinished()
            }
            try await work()
        }
    }

    /// Waits until nothing is in flight; rethrows the error of a transaction that failed.
    mutating func wait() async throws {
        guard let task = inFlight else { return }
        inFlight = nil
        try await task.value
    }
}

/// How many of a committer's transactions have ended, counted by their tasks and read by the committer's owner.
private final class FinishedCount: Sendable {
    private let count = Atomic(0)

    var value: Int { count.load(ordering: .acquiring) }

    func increment() {
        count.add(1, ordering: .releasing)
    }
}
