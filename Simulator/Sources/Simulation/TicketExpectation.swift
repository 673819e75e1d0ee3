public import LinliCore

/// Tickets a scenario expects: `count` tickets of ``rule`` (for ``subject`` at ``site`` when given), each with
/// the fields given. A field left `nil` is not checked.
public struct TicketExpectation: Sendable, Hashable, CustomStringConvertible {
    /// Rule id, e.g. `bin-full`.
    public var rule: String
    /// The subject, e.g. `device:ZJ-B03-K`; `nil` matches any.
    public var subject: Subject?
    /// Site id; `nil` matches any.
    public var site: String?
    /// How many matching tickets there must be (default 1).
    public var count: Int
    /// Expected severity of each.
    public var severity: Severity?
    /// Expected status of each.
    public var status: TicketStatus?
    /// Expected escalation level of each.
    public var escalationLevel: Int?
    /// Expected occurrence count of each.
    public var occurrences: Int?
    /// Line in the scenario file (0 when built in code).
    public var line: Int

    /// Creates an expectation.
    public init(
        rule: String,
        subject: Subject? = nil,
        site: String? = nil,
        count: Int = 1,
        severity: Severity? = nil,
        status: TicketStatus? = nil,
        escalationLevel: Int? = nil,
        occurrences: Int? = nil,
        line: Int = 0
    ) {
        self.rule = rule
        self.subject = subject
        self.site = site
        self.count = count
        self.severity = severity
        self.status = status
        self.escalationLevel = escalationLevel
        self.occurrences = occurrences
        self.line = line
    }

    /// Whether `ticket` is one this expectation counts (rule, subject and site agree).
    public func matches(_ ticket: Ticket) -> Bool {
        ticket.rule == rule && (subject.map { $0 == ticket.subject } ?? true) && (site.map { $0 == ticket.site } ?? true)
    }

    /// `bin-full for device:ZJ-B03-K at zijing`.
    public var description: String {
        var text = rule
        if let subject { text += " for \(subject)" }
        if let site { text += " at \(site)" }
        return text
    }
}
