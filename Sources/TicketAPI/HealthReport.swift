/// The answer of `/healthz`: one entry per check; healthy when every check passes.
public struct HealthReport: Sendable, Hashable {
    /// One thing that was checked.
    public struct Check: Sendable, Hashable {
        /// What was checked: `broker`, `store`, …
        public var name: String
        /// Whether it passed.
        public var ok: Bool
        /// Why not, or a detail worth showing.
        public var message: String?

        /// Creates a check result.
        public init(name: String, ok: Bool, message: String? = nil) {
            self.name = name
            self.ok = ok
            self.message = message
        }
    }

    /// The checks, in the order they are shown.
    public var checks: [Check]

    /// Creates a report.
    public init(checks: [Check]) {
        self.checks = checks
    }

    /// Whether every check passed.
    public var isHealthy: Bool { checks.allSatisfy(\.ok) }
}
