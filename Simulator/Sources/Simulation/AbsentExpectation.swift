public import LinliCore

/// A rule (optionally for one subject or site) that must have raised no ticket, whatever its status.
public struct AbsentExpectation: Sendable, Hashable, CustomStringConvertible {
    /// Rule id, e.g. `battery-low`.
    public var rule: String
    /// The subject; `nil` means no ticket of the rule at all.
    public var subject: Subject?
    /// Site id; `nil` matches any.
    public var site: String?
    /// Line in the scenario file (0 when built in code).
    public var line: Int

    /// Creates an expectation of absence.
    public init(rule: String, subject: Subject? = nil, site: String? = nil, line: Int = 0) {
        self.rule = rule
        self.subject = subject
        self.site = site
        self.line = line
    }

    /// Whether `ticket` is one that must not exist.
    public func matches(_ ticket: Ticket) -> Bool {
        ticket.rule == rule && (subject.map { $0 == ticket.subject } ?? true) && (site.map { $0 == ticket.site } ?? true)
    }

    /// `battery-low`, `battery-low for device:ZJ-B03-K at zijing`.
    public var description: String {
        var text = rule
        if let subject { text += " for \(subject)" }
        if let site { text += " at \(site)" }
        return text
    }
}
