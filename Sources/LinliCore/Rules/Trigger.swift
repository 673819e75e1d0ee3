/// When a rule raises a ticket.
///
/// Each case is one kind of rule the language expresses; the engine keeps the per-subject state each needs
/// (a window of recent matches, a pending deadline, the last sign of life), keyed by rule, site and subject.
public enum Trigger: Sendable {
    /// A single event that matches.
    case event(EventMatcher)
    /// At least `threshold` matching events within a sliding window `within`, per subject.
    case count(EventMatcher, threshold: Int, within: Duration)
    /// A matching event not followed by a `closing` one from the same subject within `within` (held open).
    case notFollowed(EventMatcher, by: EventMatcher, within: Duration)
    /// No sign of life from a watched subject for its limit.
    case absence(Absence)
    /// No sign of life between local midnight and the resident's daily `checkin_by` time.
    case dailyDeadline(EventMatcher)

    /// The event types whose arrival the engine must show this trigger.
    var types: Set<EventType> {
        switch self {
        case .event(let matcher), .count(let matcher, _, _), .dailyDeadline(let matcher): matcher.types
        case .notFollowed(let opening, let closing, _): opening.types.union(closing.types)
        case .absence(let absence): absence.signs.types
        }
    }
}

/// An absence rule: which subjects are watched, what counts as a sign of life, and for how long silence is
/// allowed.
public struct Absence: Sendable {
    /// Which registered subjects are watched.
    public enum Watch: String, Sendable, Hashable, CaseIterable {
        /// Every registered device (of a kind that has a limit).
        case devices
        /// Every registered resident.
        case residents
        /// Registered residents marked `living_alone`.
        case residentsLivingAlone = "residents_living_alone"
    }

    /// Events that count as a sign of life.
    public var signs: EventMatcher
    /// Which subjects are watched.
    public var watch: Watch
    /// The allowed silence: one for all, or per device kind (kinds without one are not watched).
    public var limits: [DeviceKind?: Duration] {
        didSet { limitByKind = Self.limitByKind(limits) }
    }
    /// ``limits`` resolved for each device kind and for residents, at ``position(of:)``: the per-event look-up,
    /// without hashing.
    private var limitByKind: [Duration?]

    /// Creates an absence rule's trigger.
    public init(signs: EventMatcher, watch: Watch, limits: [DeviceKind?: Duration]) {
        self.signs = signs
        self.watch = watch
        self.limits = limits
        limitByKind = Self.limitByKind(limits)
    }

    /// The limit for a subject of `kind` (`nil` for residents).
    public func limit(for kind: DeviceKind?) -> Duration? {
        limitByKind[Self.position(of: kind)]
    }

    private static func limitByKind(_ limits: [DeviceKind?: Duration]) -> [Duration?] {
        let kinds: [DeviceKind?] = [.bin, .gate, .care, nil]
        return kinds.map { kind in kind.flatMap { limits[$0] } ?? limits[nil] }
    }

    /// Where ``limitByKind`` holds the limit of `kind`.
    private static func position(of kind: DeviceKind?) -> Int {
        switch kind {
        case .bin: 0
        case .gate: 1
        case .care: 2
        case nil: 3
        }
    }
}
