/// Why the inbox journal could not be opened, written or read.
///
/// Each case names the file and the operating system's reason; none carries message contents.
public enum InboxJournalError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A file or directory operation failed (`operation` is e.g. `open`, `write`, `fsync`).
    case io(operation: String, path: String, reason: String)
    /// A record larger than the journal accepts (``InboxJournal/maximumRecordBytes``).
    case recordTooLarge(bytes: Int)

    /// What failed, with the path and reason.
    public var description: String {
        switch self {
        case .io(let operation, let path, let reason):
            "inbox journal: \(operation) '\(path)' failed: \(reason)"
        case .recordTooLarge(let bytes):
            "inbox journal: a record of \(bytes) bytes is larger than the limit of \(InboxJournal.maximumRecordBytes)"
        }
    }
}
