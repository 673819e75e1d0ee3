/// One rule of Linli's rule language, loaded and compiled: when to raise a ticket, for whom, how urgent,
/// and when it resolves or escalates.
///
/// Rules are data (`Config/rules/*.yaml`), never Swift code per rule; see ``RuleSet/load(files:)`` for the
/// language. Conditions and templates are compiled once, here.
public struct Rule: Sendable {
    /// Stable id, e.g. `bin-full` (the ticket's `rule`, the Open311 `service_code`).
    public var id: String
    /// Short human name (the Open311 `service_name`).
    public var name: String
    /// What the rule watches for, in a sentence (Open311 service `description`).
    public var summary: String
    /// Content hash of the rule's definition: the ticket's `rule_version`.
    public var version: String
    /// Whether tickets are about the device or the resident.
    public var subject: SubjectKind
    /// Initial severity.
    public var severity: Severity
    /// Team tickets are routed to.
    public var team: String
    /// Acknowledge-by, counted from `opened_at`.
    public var ackWithin: Duration?
    /// Resolve-by, counted from `opened_at`.
    public var resolveWithin: Duration?
    /// When a ticket is raised.
    public var trigger: Trigger
    /// When a ticket resolves by itself.
    public var autoResolve: AutoResolve
    /// What happens when a ticket is not acknowledged in time.
    public var escalation: Escalation
    /// One-line title template.
    public var title: Template<RuleContext>
    /// Description template.
    public var description: Template<RuleContext>
    /// Where the rule is defined, `file:line`.
    public var origin: String

    /// Whether a rule's tickets are keyed by device or by resident.
    public enum SubjectKind: String, Sendable, Hashable, CaseIterable {
        case device, resident
    }

    /// The subject of `context` for this rule, or `nil` when the event has none (a gate pass with no resident
    /// for a resident rule).
    public func subject(of context: RuleContext) -> Subject? {
        switch subject {
        case .device: .device(context.event.device)
        case .resident: context.residentID.map(Subject.resident)
        }
    }
}

/// A set of event types and an optional condition, compiled.
public struct EventMatcher: Sendable {
    /// The types that can match.
    public var types: Set<EventType> {
        didSet { typeBits = Self.bits(of: types) }
    }
    /// The condition, when there is one.
    public var condition: Condition<RuleContext>?
    /// ``types`` as one bit per ``EventType/index``: the per-event test, without hashing.
    private var typeBits: UInt64

    /// Creates a matcher.
    public init(types: Set<EventType>, condition: Condition<RuleContext>?) {
        self.types = types
        self.condition = condition
        typeBits = Self.bits(of: types)
    }

    /// Whether `context`'s event matches (`inout` only to pass the context without copying it).
    @inline(__always)
    public func matches(_ context: inout RuleContext) -> Bool {
        typeBits & (1 << context.event.type.index) != 0 && (condition?.evaluate(&context) ?? true)
    }

    private static func bits(of types: Set<EventType>) -> UInt64 {
        types.reduce(0) { bits, type in bits | 1 << type.index }
    }
}
