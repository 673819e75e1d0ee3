import LinliCore
import Testing

@testable import TicketAPI

@Suite("The ledger (台账): counts, SLA compliance and percentiles, no clock")
struct LedgerTests {
    static let now = APIFixtures.now
    static let period = Ledger.Period.last(days: 7, before: now)

    /// The ledger of the fixture tickets over the last week.
    static func fixtureLedger() -> Ledger {
        let tickets = APIFixtures.tickets()
        return Ledger(opened: tickets, unresolved: tickets.filter { $0.status != .resolved }, period: period, now: now)
    }

    @Test("the fixture tickets give the expected row per site and team")
    func fixtureLedger() {
        let ledger = Self.fixtureLedger()
        #expect(
            ledger.rows.map { "\($0.site)/\($0.team)" } == [
                "beisan/care", "beisan/maintenance", "beisan/sanitation", "zijing/care", "zijing/maintenance",
                "zijing/sanitation", "zijing/security",
            ]
        )
        let gate = ledger.rows[6]
        #expect(gate.open == 1)
        #expect(gate.overdue == 1)
        #expect(gate.acknowledgedInTime == Ledger.Compliance(met: 0, total: 1))
        #expect(gate.resolvedInTime == Ledger.Compliance(met: 0, total: 0))
        let bins = ledger.rows[2]
        #expect(bins.open == 0)
        #expect(bins.resolved == 1)
        #expect(bins.acknowledgedInTime == Ledger.Compliance(met: 1, total: 1))
        #expect(bins.resolvedInTime == Ledger.Compliance(met: 0, total: 1))
        #expect(bins.timeToAcknowledge.median == .seconds(600))
        #expect(bins.timeToResolve.median == .seconds(3 * 3600))
        let offline = ledger.rows[4]
        #expect(offline.opened == 30)
        #expect(offline.resolved == 30)
        #expect(offline.acknowledgedInTime.total == 0)
        #expect(offline.resolvedInTime == Ledger.Compliance(met: 30, total: 30))
        #expect(offline.timeToResolve.median == .seconds(7200))
        #expect(offline.timeToAcknowledge.median == nil)
        #expect(ledger.total.open == 4)
        #expect(ledger.total.overdue == 1)
        #expect(ledger.total.opened == 36)
        #expect(ledger.total.resolved == 32)
    }

    @Test("compliance counts a missed deadline once it has passed, and leaves out what is still pending")
    func compliance() {
        let opened = Self.now - .seconds(3600)
        func ticket(
            _ number: Int,
            acknowledged: Duration? = nil,
            resolved: Duration? = nil,
            resolution: String? = nil
        )
            -> Ticket
        {
            APIFixtures.ticket(
                number,
                rule: "bin-full",
                site: "zijing",
                team: "sanitation",
                severity: .medium,
                subject: .device("D\(number)"),
                opened: opened,
                ack: .seconds(1800),
                resolve: .seconds(7200),
                location: "here",
                status: resolved != nil ? .resolved : acknowledged != nil ? .acknowledged : .open,
                acknowledged: acknowledged.map { opened + $0 },
                resolved: resolved.map { opened + $0 },
                resolution: resolution
            )
        }
        let tickets = [
            ticket(1, acknowledged: .seconds(600)),  // ack met
            ticket(2, acknowledged: .seconds(2400)),  // ack missed
            ticket(3),  // no response, ack due passed: missed
            ticket(4, resolved: .seconds(900), resolution: "auto"),  // no response needed: left out
            ticket(5, resolved: .seconds(1200), resolution: "fixed"),  // resolution is the first response: met
        ]
        let ledger = Ledger(
            opened: tickets,
            unresolved: tickets.filter { $0.status != .resolved },
            period: Self.period,
            now: Self.now
        )
        let row = ledger.total
        #expect(row.acknowledgedInTime == Ledger.Compliance(met: 2, total: 4))
        #expect(row.acknowledgedInTime.percent == 50)
        #expect(row.resolvedInTime == Ledger.Compliance(met: 2, total: 2))
        #expect(row.overdue == 1)
        #expect(row.timeToAcknowledge.median == .seconds(1200))
        #expect(row.timeToAcknowledge.p90 == .seconds(2400))
    }

    @Test(
        "percentiles use the nearest rank",
        arguments: [
            ([1], 1, 1),
            ([1, 2], 1, 2),
            ([3, 1, 2], 2, 3),
            ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5, 9),
            (Array(1...11), 6, 10),
        ]
    )
    func percentiles(seconds: [Int], median: Int, p90: Int) {
        let spread = Ledger.Spread(of: seconds.map { .seconds($0) })
        #expect(spread.median == .seconds(median))
        #expect(spread.p90 == .seconds(p90))
        #expect(Ledger.Spread(of: []).median == nil)
    }

    @Test("tickets opened outside the period count only towards open and overdue")
    func period() {
        let old = APIFixtures.tickets()[1]
        let ledger = Ledger(
            opened: [old],
            unresolved: [old],
            period: Ledger.Period(from: Self.now - .seconds(60), to: Self.now),
            now: Self.now
        )
        #expect(ledger.total.opened == 0)
        #expect(ledger.total.open == 1)
        #expect(ledger.total.overdue == 1)
    }

    @Test("JSON reads back to the same ledger; CSV and the table carry every row")
    func formats() throws {
        let ledger = Self.fixtureLedger()
        #expect(try Ledger(json: Array(ledger.json().utf8)) == ledger)
        #expect(ledger.rows.first?.jsonObject().keys == Ledger.rowKeys)
        let csv = ledger.csv.split(separator: "\r\n").map(String.init)
        #expect(csv.first == Ledger.rowKeys.joined(separator: ","))
        #expect(csv.count == ledger.rows.count + 2)
        #expect(csv.last?.hasPrefix("*,*,4,1,36,32,") == true)
        #expect(csv.contains("zijing,security,1,1,1,0,0,0,1,,0,0,,,,"))
        let table = ledger.table.split(separator: "\n")
        #expect(table.count == ledger.rows.count + 3)
        #expect(table[1].hasPrefix("SITE"))
        #expect(Ledger.csvField("a,b") == "\"a,b\"")
    }
}
