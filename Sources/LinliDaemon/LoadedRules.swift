public import LinliCore
import Synchronization

/// The rules in force, shared by the ingest pipeline (which replaces them on a reload) and the HTTP side
/// (Open311 services, the rule shown on a ticket's page), so both always agree.
public final class LoadedRules: Sendable {
    private let rules: Mutex<RuleSet>

    /// Starts with `rules`.
    public init(_ rules: RuleSet) {
        self.rules = Mutex(rules)
    }

    /// The rules in force now.
    public var current: RuleSet {
        rules.withLock { $0 }
    }

    /// Puts `new` in force (a reload).
    public func replace(with new: RuleSet) {
        rules.withLock { $0 = new }
    }
}
