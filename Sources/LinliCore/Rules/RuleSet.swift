/// All loaded rules, indexed for the engine: per event type, the rules it can trigger or resolve.
///
/// The per-type index is what keeps the cost of an event independent of the rules that cannot match it.
public struct RuleSet: Sendable {
    /// Rules in load order.
    public let rules: [Rule]
    /// Rule indices by id.
    public let indexByID: [String: Int]
    /// For each ``EventType/index``, the indices of rules whose trigger that type can match.
    let triggeredBy: [[Int]]
    /// For each ``EventType/index``, the indices of rules whose auto-resolve that type can match.
    let resolvedBy: [[Int]]

    /// Builds the set and its indices.
    public init(rules: [Rule]) {
        assert(EventType.allCases.indices.allSatisfy { EventType.allCases[$0].index == $0 }, "EventType.index out of order")
        self.rules = rules
        self.indexByID = Dictionary(rules.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        var triggeredBy = Array(repeating: [Int](), count: EventType.allCases.count)
        var resolvedBy = triggeredBy
        for (index, rule) in rules.enumerated() {
            for type in rule.trigger.types {
                triggeredBy[type.index].append(index)
            }
            if case .event(let matcher) = rule.autoResolve {
                for type in matcher.types {
                    resolvedBy[type.index].append(index)
                }
            }
        }
        self.triggeredBy = triggeredBy
        self.resolvedBy = resolvedBy
    }

    /// The rule with this id.
    public subscript(id: String) -> Rule? {
        indexByID[id].map { rules[$0] }
    }
}
