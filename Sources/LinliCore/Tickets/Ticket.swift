/// A piece of work for a team, raised by a rule: every field of the contract's `tickets.md`.
///
/// The engine holds the open tickets it raised and returns updated copies in its decisions; the store keeps
/// every ticket and its history.
public struct Ticket: Sendable, Hashable, Identifiable {
    /// Stable id, `T-000042`.
    public var id: String
    /// Site id.
    public var site: String
    /// Id of the rule that raised it (the Open311 `service_code`).
    public var rule: String
    /// Content hash of that rule when it fired.
    public var ruleVersion: String
    /// One line, from the rule's title template.
    public var title: String
    /// Longer text, from the rule's description template.
    public var description: String
    /// May rise on escalation.
    public var severity: Severity
    /// Team it is routed to.
    public var team: String
    /// Where it is in its life.
    public var status: TicketStatus
    /// What it is about.
    public var subject: Subject
    /// Location from the registry ("" when unknown).
    public var location: String
    /// Latitude from the registry.
    public var lat: Double?
    /// Longitude from the registry.
    public var long: Double?
    /// Event time at which it was raised.
    public var openedAt: EventTime
    /// Last change.
    public var updatedAt: EventTime
    /// SLA: acknowledge by.
    public var ackDueAt: EventTime?
    /// SLA: resolve by.
    public var resolveDueAt: EventTime?
    /// When a person acknowledged it.
    public var acknowledgedAt: EventTime?
    /// When it was resolved.
    public var resolvedAt: EventTime?
    /// `auto`, `manual`, or a note.
    public var resolution: String?
    /// 0 at first, +1 at each escalation step.
    public var escalationLevel: Int
    /// How many times the rule fired for this ticket while it was not resolved.
    public var occurrences: Int
    /// Event time of the latest triggering event.
    public var lastEventAt: EventTime
    /// Ids of the triggering events, most recent last, at most ``Ticket/evidenceLimit``.
    public var evidence: [String]
    /// Everything that happened to it, oldest first.
    public var history: [HistoryEntry]

    /// How many evidence ids a ticket keeps.
    public static let evidenceLimit = 20

    /// The device id, when the subject is a device.
    public var device: String? {
        if case .device(let id) = subject { id } else { nil }
    }

    /// The resident id, when the subject is a resident.
    public var resident: String? {
        if case .resident(let id) = subject { id } else { nil }
    }

    /// The de-duplication key.
    public var dedupKey: DedupKey { DedupKey(rule: rule, site: site, subject: subject) }

    /// Creates a ticket with every field given.
    public init(
        id: String,
        site: String,
        rule: String,
        ruleVersion: String,
        title: String,
        description: String,
        severity: Severity,
        team: String,
        status: TicketStatus = .open,
        subject: Subject,
        location: String,
        lat: Double? = nil,
        long: Double? = nil,
        openedAt: EventTime,
        updatedAt: EventTime,
        ackDueAt: EventTime? = nil,
        resolveDueAt: EventTime? = nil,
        acknowledgedAt: EventTime? = nil,
        resolvedAt: EventTime? = nil,
        resolution: String? = nil,
        escalationLevel: Int = 0,
        occurrences: Int = 1,
        lastEventAt: EventTime,
        evidence: [String] = [],
        history: [HistoryEntry] = []
    ) {
        self.id = id
        self.site = site
        self.rule = rule
        self.ruleVersion = ruleVersion
        self.title = title
        self.description = description
        self.severity = severity
        self.team = team
        self.status = status
        self.subject = subject
        self.location = location
        self.lat = lat
        self.long = long
        self.openedAt = openedAt
        self.updatedAt = updatedAt
        self.ackDueAt = ackDueAt
        self.resolveDueAt = resolveDueAt
        self.acknowledgedAt = acknowledgedAt
        self.resolvedAt = resolvedAt
        self.resolution = resolution
        self.escalationLevel = escalationLevel
        self.occurrences = occurrences
        self.lastEventAt = lastEventAt
        self.evidence = evidence
        self.history = history
    }

    /// Appends an evidence id, keeping the most recent ``evidenceLimit``.
    public mutating func addEvidence(_ eventID: String) {
        evidence.append(eventID)
        if evidence.count > Self.evidenceLimit {
            evidence.removeFirst(evidence.count - Self.evidenceLimit)
        }
    }
}
