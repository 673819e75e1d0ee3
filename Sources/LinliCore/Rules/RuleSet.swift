/// All loaded rules, indexed for the engine: per event type, the rules it can trigger or resolve.
///
/// The per-type index is what keeps the cost of an event independent of the rules that cannot match it.
public struct RuleSet: Sendable {
    /// Rules in load order.
    public let rules: [Rule]
    /// Rule indices by id.
    public let indexByID: [String: Int]
    /// The rules again, each behind one reference, so the engine's per-event loop passes a rule without
    /// copying its strings, templates and compiled conditions.
    let boxes: [RuleBox]
    /// Rules that only match events of some sites: for each such site, the per-type indices of the rules that
    /// can match there (rules scoped to other sites are left out). Sites not named here use
    /// ``unscopedPlan``.
    let sitePlans: [String: SitePlan]
    /// The per-type indices for events of sites no rule is scoped to (every rule but the scoped ones).
    let unscopedPlan: SitePlan

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
        self.boxes = rules.map(RuleBox.init)
        let sites = rules.map(Self.sites(of:))
        func plan(for site: String?) -> SitePlan {
            func keep(_ index: Int) -> Bool {
                guard let only = sites[index] else { return true }
                return site.map(only.contains) ?? false
            }
            return SitePlan(
                triggeredBy: triggeredBy.map { $0.filter(keep) },
                resolvedBy: resolvedBy.map { $0.filter(keep) }
            )
        }
        var sitePlans: [String: SitePlan] = [:]
        for site in Set(sites.compactMap { $0 }.joined()) { sitePlans[site] = plan(for: site) }
        self.sitePlans = sitePlans
        self.unscopedPlan = plan(for: nil)
    }

    /// The per-type rule indices for events of `site`, in load order.
    func plan(for site: String) -> SitePlan {
        sitePlans.isEmpty ? unscopedPlan : sitePlans[site] ?? unscopedPlan
    }

    /// The sites a rule can match events of, when every matcher it shows events to requires `site` to be one
    /// of a few values; `nil` when it can match events of any site.
    private static func sites(of rule: Rule) -> Set<String>? {
        var matchers: [EventMatcher]
        switch rule.trigger {
        case .event(let matcher), .count(let matcher, _, _), .dailyDeadline(let matcher): matchers = [matcher]
        case .notFollowed(let opening, let closing, _): matchers = [opening, closing]
        case .absence(let absence): matchers = [absence.signs]
        }
        if case .event(let matcher) = rule.autoResolve { matchers.append(matcher) }
        var union = Set<String>()
        for matcher in matchers {
            guard let sites = matcher.condition?.requiredValues(of: "site") else { return nil }
            union.formUnion(sites)
        }
        return union
    }

    /// The rule with this id.
    public subscript(id: String) -> Rule? {
        indexByID[id].map { rules[$0] }
    }

    /// For one site (or every site no rule is scoped to): per ``EventType/index``, the rules to show its events.
    struct SitePlan: Sendable {
        /// Indices of rules whose trigger the type can match, in load order.
        let triggeredBy: [[Int]]
        /// Indices of rules whose auto-resolve the type can match, in load order.
        let resolvedBy: [[Int]]
    }
}

/// One rule behind a reference (see ``RuleSet/boxes``).
final class RuleBox: Sendable {
    /// The rule.
    let rule: Rule

    init(_ rule: Rule) {
        self.rule = rule
    }
}
