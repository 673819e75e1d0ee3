/// How urgent a ticket is; escalation steps it up towards ``critical``.
public enum Severity: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case low, medium, high, critical

    /// Rank, 0 (low) to 3 (critical).
    public var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        case .critical: 3
        }
    }

    /// One step up, or ``critical`` when already there.
    public var raised: Severity {
        Severity.allCases[min(rank + 1, Severity.allCases.count - 1)]
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}
