import Foundation
import LinliCore
import TicketStore

/// Tickets and stores for the store's tests.
enum TicketFixtures {
    /// 2026-11-27T08:00:00Z.
    static let morning = EventTime(seconds: 1_795_766_400)

    /// A ticket with only the required fields set beyond its number, key and times.
    static func ticket(
        number: Int,
        rule: String = "bin-full",
        site: String = "oak-court",
        subject: Subject = .device("bin-1"),
        status: TicketStatus = .open,
        severity: Severity = .medium,
        team: String = "sanitation",
        openedAt: EventTime = morning,
        updatedAt: EventTime? = nil
    ) -> Ticket {
        Ticket(
            id: TicketID.make(number),
            site: site,
            rule: rule,
            ruleVersion: "sha256:1f2e",
            title: "Bin full",
            description: "The bin is full.",
            severity: severity,
            team: team,
            status: status,
            subject: subject,
            location: "",
            openedAt: openedAt,
            updatedAt: updatedAt ?? openedAt,
            resolvedAt: status == .resolved ? openedAt + .seconds(60) : nil,
            resolution: status == .resolved ? "auto" : nil,
            lastEventAt: openedAt
        )
    }

    /// A ticket with every optional field set, non-ASCII text and a full evidence list, plus its history.
    static func fullTicket(number: Int = 42) -> Ticket {
        let opened = morning + .milliseconds(123)
        var ticket = Ticket(
            id: TicketID.make(number),
            site: "oak-court",
            rule: "fall-detected",
            ruleVersion: "sha256:9a8b7c",
            title: "Fall in flat 3B — Ms. Zhāng",
            description: "Line one\nline two, with 'quotes' and \"more\".",
            severity: .critical,
            team: "care",
            status: .resolved,
            subject: .resident("r-17"),
            location: "Building 3, flat 3B",
            lat: 31.230_416_7,
            long: -121.473_701_2,
            openedAt: opened,
            updatedAt: opened + .seconds(900),
            ackDueAt: opened + .seconds(120),
            resolveDueAt: opened + .seconds(3600),
            acknowledgedAt: opened + .seconds(60),
            resolvedAt: opened + .seconds(900),
            resolution: "carer visited; resident fine",
            escalationLevel: 2,
            occurrences: 3,
            lastEventAt: opened + .seconds(30)
        )
        for index in 1...Ticket.evidenceLimit {
            // Odd ids carry every character JSON must escape.
            ticket.addEvidence(index.isMultiple(of: 2) ? "evt/\(index)/ü" : "e\"\\\t\r\n\u{01}\u{1F}😀/\(index)")
        }
        ticket.history = [
            HistoryEntry(at: opened, action: .opened, actor: "rule:fall-detected"),
            HistoryEntry(at: opened + .seconds(30), action: .occurred, actor: "rule:fall-detected"),
            HistoryEntry(at: opened + .seconds(45), action: .escalated, actor: "rule:fall-detected", note: "late"),
            HistoryEntry(at: opened + .seconds(60), action: .acknowledged, actor: "li.wei", note: "on my way"),
            HistoryEntry(at: opened + .seconds(900), action: .resolved, actor: "li.wei", note: ""),
        ]
        return ticket
    }

    /// The change that writes `ticket` with its whole history.
    static func change(_ ticket: Ticket) -> TicketChange {
        TicketChange(ticket: ticket, newHistory: ticket.history)
    }

    /// The change that writes `ticket` with a single `opened` entry (and the ticket carrying it).
    static func opening(_ ticket: Ticket) -> TicketChange {
        var ticket = ticket
        ticket.history = [HistoryEntry(at: ticket.openedAt, action: .opened, actor: "rule:\(ticket.rule)")]
        return TicketChange(ticket: ticket, newHistory: ticket.history)
    }

    /// Commits the opening of each ticket, in one batch.
    static func store(_ tickets: [Ticket], in store: TicketStore) async throws {
        try await store.commit(IngestBatch(changes: tickets.map(opening)))
    }

    /// A fresh directory for database files, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("linli-store-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
