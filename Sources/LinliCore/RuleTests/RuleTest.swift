/// One rule test: a story of events, people's actions and expectations at given times.
///
/// Rule tests ship next to the rules (`Config/rules/tests/*.yaml`) and are run by `linli rules test` and by
/// `swift test`, so a rule change is proven in CI. See ``RuleTest/load(file:contents:)`` for the format.
public struct RuleTest: Sendable {
    /// What the test shows.
    public var name: String
    /// Where it is defined, `file:line`.
    public var origin: String
    /// The rules it runs (all loaded rules when empty).
    public var rules: [String]
    /// The site events default to.
    public var site: String
    /// The time offsets count from.
    public var start: EventTime
    /// The steps, in order.
    public var steps: [Step]

    /// One step of a rule test.
    public struct Step: Sendable {
        /// When, from ``RuleTest/start``.
        public var at: Duration
        /// `file:line` of the step.
        public var origin: String
        /// What happens.
        public var action: Action
    }

    /// What a step does.
    public enum Action: Sendable {
        /// An event arrives (as a contract payload, decoded and validated like live traffic).
        case event(topic: String, payload: [UInt8])
        /// A person acknowledges the unresolved ticket of a rule and subject.
        case acknowledge(rule: String, subject: Subject)
        /// A person resolves the unresolved ticket of a rule and subject.
        case resolve(rule: String, subject: Subject)
        /// Time passes to this step; then these tickets must exist and those (rule, and subject when given)
        /// must not.
        case expect([TicketExpectation], absent: [(rule: String, subject: Subject?)])
    }

    /// What the latest ticket of a rule and subject must look like.
    public struct TicketExpectation: Sendable {
        /// The rule.
        public var rule: String
        /// The subject.
        public var subject: Subject
        /// How many tickets of this rule and subject exist in all (when given).
        public var count: Int?
        /// Field name (contract spelling) → expected value as text.
        public var fields: [(name: String, value: String)]
    }
}
