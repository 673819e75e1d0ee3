import Foundation
import LinliCore
import LinliDaemon
import TestSupport
import TicketAPI
import TicketStore

/// Tickets, tokens and configuration for the HTTP tests; every time is relative to ``now``.
enum APIFixtures {
    /// 2026-11-27T08:00:00Z, the tests' fixed wall clock.
    static let now = EventTime(seconds: 1_795_766_400)

    /// The repository's `Config/` directory.
    static let configDirectory = Repository.configDirectory

    /// The shipped rules.
    static func rules() throws -> RuleSet {
        try ConfigurationFiles.loadRules(from: configDirectory.appendingPathComponent("rules").path)
    }

    /// The shipped sites.
    static func registry() throws -> SiteRegistry {
        try ConfigurationFiles.loadSites(from: configDirectory.appendingPathComponent("sites").path)
    }

    /// Token secrets.
    static let opsSecret = "ops-secret-token-0001-abcdefghijklmnop"
    static let careSecret = "care-secret-token-0002-abcdefghijklmnop"
    static let sanitationSecret = "sanitation-secret-token-0003-abcdefghij"

    /// `ops` (every team), `care-desk` (care), `sanitation-desk` (sanitation).
    static func tokens() throws -> [APIToken] {
        [
            try APIToken(name: "ops", teams: .all, hash: APIToken.hash(of: opsSecret)),
            try APIToken(name: "care-desk", teams: .only(["care"]), hash: APIToken.hash(of: careSecret)),
            try APIToken(
                name: "sanitation-desk",
                teams: .only(["sanitation"]),
                hash: APIToken.hash(of: sanitationSecret)
            ),
        ]
    }

    /// How many bulk tickets ``tickets()`` adds after the six named ones.
    static let bulkCount = 30

    /// Six tickets covering every status, two sites and four teams, then ``bulkCount`` resolved
    /// `device-offline` tickets at Zijing, one an hour back from ``now``.
    ///
    /// - T-000001 bin-full, zijing, sanitation, medium, open, acknowledge due in 10 min
    /// - T-000002 gate-forced, zijing, security, critical, open, escalated, acknowledge overdue by 25 min
    /// - T-000003 care-sos, zijing, care, critical, acknowledged (in time), resolve due in 60 min
    /// - T-000004 battery-low, beisan, maintenance, low, resolved automatically a day ago
    /// - T-000005 bin-full, beisan, sanitation, medium, resolved by hand two hours ago (late)
    /// - T-000006 care-fall, beisan, care, critical, open, opened 5 min ago
    static func tickets() -> [Ticket] {
        var tickets = [
            ticket(
                1,
                rule: "bin-full",
                site: "zijing",
                team: "sanitation",
                severity: .medium,
                subject: .device("ZJ-B03-K"),
                opened: now - .seconds(1200),
                ack: .seconds(1800),
                resolve: .seconds(7200),
                location: "Building 3, kitchen-waste station",
                lat: 34.7466,
                long: 113.6253
            ),
            ticket(
                2,
                rule: "gate-forced",
                site: "zijing",
                team: "security",
                severity: .critical,
                subject: .device("ZJ-G01"),
                opened: now - .seconds(1800),
                ack: .seconds(300),
                resolve: .seconds(3600),
                location: "North gate",
                level: 1
            ),
            ticket(
                3,
                rule: "care-sos",
                site: "zijing",
                team: "care",
                severity: .critical,
                subject: .resident("R-0012"),
                opened: now - .seconds(3600),
                ack: .seconds(600),
                resolve: .seconds(7200),
                location: "Building 5, flat 2-301",
                status: .acknowledged,
                acknowledged: now - .seconds(3300)
            ),
            ticket(
                4,
                rule: "battery-low",
                site: "beisan",
                team: "maintenance",
                severity: .low,
                subject: .device("BS-B01-R"),
                opened: now - .seconds(2 * 86_400),
                ack: nil,
                resolve: .seconds(86_400 * 2),
                location: "Beisan bin 1",
                status: .resolved,
                resolved: now - .seconds(86_400),
                resolution: "auto"
            ),
            ticket(
                5,
                rule: "bin-full",
                site: "beisan",
                team: "sanitation",
                severity: .medium,
                subject: .device("BS-B02-K"),
                opened: now - .seconds(5 * 3600),
                ack: .seconds(1800),
                resolve: .seconds(7200),
                location: "Beisan bin 2",
                status: .resolved,
                acknowledged: now - .seconds(5 * 3600 - 600),
                resolved: now - .seconds(2 * 3600),
                resolution: "bin emptied"
            ),
            ticket(
                6,
                rule: "care-fall",
                site: "beisan",
                team: "care",
                severity: .critical,
                subject: .resident("R-0101"),
                opened: now - .seconds(300),
                ack: .seconds(300),
                resolve: .seconds(3600),
                location: "Beisan block 2, flat 101"
            ),
        ]
        for index in 0..<bulkCount {
            tickets.append(
                ticket(
                    7 + index,
                    rule: "device-offline",
                    site: "zijing",
                    team: "maintenance",
                    severity: .medium,
                    subject: .device("ZJ-X\(index)"),
                    opened: now - .seconds(Int64(index + 1) * 3600 + 7200),
                    ack: .seconds(3600),
                    resolve: .seconds(4 * 3600),
                    location: "Zijing device \(index)",
                    status: .resolved,
                    resolved: now - .seconds(Int64(index + 1) * 3600),
                    resolution: "auto"
                )
            )
        }
        return tickets
    }

    /// A ticket with its history matching its status.
    static func ticket(
        _ number: Int,
        rule: String,
        site: String,
        team: String,
        severity: Severity,
        subject: Subject,
        opened: EventTime,
        ack: Duration?,
        resolve: Duration?,
        location: String,
        lat: Double? = nil,
        long: Double? = nil,
        level: Int = 0,
        status: TicketStatus = .open,
        acknowledged: EventTime? = nil,
        resolved: EventTime? = nil,
        resolution: String? = nil
    ) -> Ticket {
        var ticket = Ticket(
            id: TicketID.make(number),
            site: site,
            rule: rule,
            ruleVersion: "sha256:fixture",
            title: "\(rule) at \(location)",
            description: "Raised by \(rule) for \(subject).",
            severity: severity,
            team: team,
            status: status,
            subject: subject,
            location: location,
            lat: lat,
            long: long,
            openedAt: opened,
            updatedAt: resolved ?? acknowledged ?? opened,
            ackDueAt: ack.map { opened + $0 },
            resolveDueAt: resolve.map { opened + $0 },
            acknowledgedAt: acknowledged,
            resolvedAt: resolved,
            resolution: resolution,
            escalationLevel: level,
            occurrences: 1,
            lastEventAt: opened,
            evidence: ["evt-\(number)-a", "evt-\(number)-b"]
        )
        var history = [HistoryEntry(at: opened, action: .opened, actor: "rule:\(rule)")]
        if let acknowledged { history.append(HistoryEntry(at: acknowledged, action: .acknowledged, actor: "li.wei")) }
        if let resolved {
            history.append(
                HistoryEntry(
                    at: resolved,
                    action: .resolved,
                    actor: resolution == "auto" ? "rule:\(rule)" : "li.wei",
                    note: resolution
                )
            )
        }
        ticket.history = history
        return ticket
    }

    /// Commits `tickets` with their history into `store`, in one batch.
    static func commit(_ tickets: [Ticket], to store: TicketStore) async throws {
        try await store.commit(
            IngestBatch(changes: tickets.map { TicketChange(ticket: $0, newHistory: $0.history) })
        )
    }
}
