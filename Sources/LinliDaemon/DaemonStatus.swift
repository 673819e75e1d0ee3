public import LinliCore
import Synchronization

/// Counters and health of a running daemon, safe to read from any task.
///
/// The pipeline writes it after each committed batch; the HTTP side, the CLI's final report and tests read
/// it. A `Mutex` guards it: writers and readers hold it only to copy a few integers.
public final class DaemonStatus: Sendable {
    /// A consistent copy of every counter.
    public struct Snapshot: Sendable, Hashable {
        /// Events applied to the rules.
        public var accepted = 0
        /// Redelivered events ignored.
        public var duplicates = 0
        /// Messages rejected, by reason code.
        public var rejectedByReason: [String: Int] = [:]
        /// Ticket changes committed, by action (`opened`, `occurred`, …).
        public var ticketChanges: [String: Int] = [:]
        /// Whether the broker connection is up.
        public var brokerConnected = false
        /// How many times the broker connection was lost (or a reconnection refused) since the daemon started.
        public var brokerDisconnects = 0
        /// Batches committed.
        public var batches = 0
        /// Messages received (in the inbox journal) but not yet applied and committed.
        public var ingestBacklog = 0
        /// How long the oldest of them has waited since it was received, in milliseconds (0 when none wait).
        public var ingestLagMilliseconds: Int64 = 0
        /// Bytes in the inbox journal's files.
        public var journalBytes = 0
        /// Messages that could not be written to the inbox journal (processed from memory only).
        public var journalFailures = 0
        /// Messages replayed from the inbox journal when the pipeline last started.
        public var journalReplayed = 0

        /// Messages rejected in all.
        public var rejected: Int { rejectedByReason.values.reduce(0, +) }
        /// Messages handled in all (accepted, duplicate or rejected).
        public var handled: Int { accepted + duplicates + rejected }
    }

    private let state = Mutex(Snapshot())

    /// Creates an empty status.
    public init() {}

    /// The current counters.
    public var snapshot: Snapshot { state.withLock { $0 } }

    /// Adds a batch's results.
    public func record(_ output: ProcessorOutput) {
        state.withLock { snapshot in
            snapshot.accepted += output.accepted
            snapshot.duplicates += output.duplicates
            for (reason, count) in output.rejectedByReason {
                snapshot.rejectedByReason[reason, default: 0] += count
            }
            for update in output.updates {
                snapshot.ticketChanges[update.action.rawValue, default: 0] += 1
            }
            if !output.isEmpty || output.duplicates > 0 { snapshot.batches += 1 }
        }
    }

    /// Records the ingest backlog: messages journaled but not committed, the age of the oldest, the journal's size.
    public func setIngestBacklog(_ backlog: Int, lagMilliseconds: Int64, journalBytes: Int) {
        state.withLock { snapshot in
            snapshot.ingestBacklog = backlog
            snapshot.ingestLagMilliseconds = lagMilliseconds
            snapshot.journalBytes = journalBytes
        }
    }

    /// Counts a message that could not be journaled.
    public func recordJournalFailure() {
        state.withLock { $0.journalFailures += 1 }
    }

    /// Records how many messages the pipeline replayed from the journal at start.
    public func setJournalReplayed(_ count: Int) {
        state.withLock { $0.journalReplayed = count }
    }

    /// Records the broker connection state.
    public func setBrokerConnected(_ connected: Bool) {
        state.withLock { $0.brokerConnected = connected }
    }

    /// Records that the broker connection was lost or a reconnection refused, as the client reports it (at once,
    /// not at the next tick).
    public func recordBrokerDisconnect() {
        state.withLock { snapshot in
            snapshot.brokerConnected = false
            snapshot.brokerDisconnects += 1
        }
    }
}
