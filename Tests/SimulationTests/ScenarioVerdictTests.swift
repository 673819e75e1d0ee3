import LinliCore
import Simulation
import Testing

@Suite struct ScenarioVerdictTests {
    static func ticket(
        _ id: String,
        _ rule: String,
        _ subject: Subject,
        site: String = "zijing",
        severity: Severity = .medium,
        status: TicketStatus = .open,
        level: Int = 0,
        occurrences: Int = 1
    ) -> Ticket {
        let time = Fixtures.start
        return Ticket(
            id: id,
            site: site,
            rule: rule,
            ruleVersion: "v1",
            title: rule,
            description: "",
            severity: severity,
            team: "sanitation",
            status: status,
            subject: subject,
            location: "",
            openedAt: time,
            updatedAt: time,
            escalationLevel: level,
            occurrences: occurrences,
            lastEventAt: time
        )
    }

    static let expectations = ScenarioExpectations(
        tickets: [
            TicketExpectation(
                rule: "bin-full",
                subject: .device("ZJ-B03-K"),
                severity: .medium,
                status: .open,
                escalationLevel: 0,
                occurrences: 2,
                line: 20
            ),
            TicketExpectation(rule: "care-sos", subject: .resident("R-0012"), severity: .critical),
        ],
        absent: [AbsentExpectation(rule: "battery-low"), AbsentExpectation(rule: "bin-overheat", subject: .device("ZJ-B03-K"))],
        deadLetters: 2
    )

    static let matching = [
        ticket("T-000001", "bin-full", .device("ZJ-B03-K"), occurrences: 2),
        ticket("T-000002", "care-sos", .resident("R-0012"), severity: .critical),
        ticket("T-000003", "bin-overheat", .device("ZJ-B01-K")),
    ]

    @Test("tickets that match pass, with other tickets allowed unless exclusive")
    func passes() {
        let verdict = ScenarioVerdict.verify(Self.expectations, tickets: Self.matching, deadLetterCount: 2)
        #expect(verdict.passed)
        #expect(verdict.description == "PASS: 3 tickets, as expected")
    }

    @Test("a missing ticket is a difference")
    func missing() {
        let verdict = ScenarioVerdict.verify(Self.expectations, tickets: [Self.matching[0]])
        #expect(verdict.differences == [.missing(Self.expectations.tickets[1])])
        #expect(verdict.differences[0].description == "missing: care-sos for resident:R-0012 (expected 1 ticket, found none)")
    }

    @Test("another count of matching tickets is a difference naming them")
    func wrongCount() {
        let tickets = Self.matching + [Self.ticket("T-000009", "care-sos", .resident("R-0012"), severity: .critical)]
        let verdict = ScenarioVerdict.verify(Self.expectations, tickets: tickets)
        #expect(verdict.differences == [.wrongCount(Self.expectations.tickets[1], found: ["T-000002", "T-000009"])])
        #expect(verdict.description.contains("expected 1 ticket, found 2 (T-000002, T-000009)"))
    }

    @Test("each wrong field is a difference: severity, status, level, occurrences")
    func wrongFields() {
        let wrong = Self.ticket(
            "T-000001",
            "bin-full",
            .device("ZJ-B03-K"),
            severity: .high,
            status: .acknowledged,
            level: 1,
            occurrences: 3
        )
        let verdict = ScenarioVerdict.verify(Self.expectations, tickets: [wrong, Self.matching[1]])
        let expectation = Self.expectations.tickets[0]
        #expect(
            verdict.differences == [
                .wrongField(expectation, ticket: "T-000001", field: "severity", expected: "medium", actual: "high"),
                .wrongField(expectation, ticket: "T-000001", field: "status", expected: "open", actual: "acknowledged"),
                .wrongField(expectation, ticket: "T-000001", field: "escalation_level", expected: "0", actual: "1"),
                .wrongField(expectation, ticket: "T-000001", field: "occurrences", expected: "2", actual: "3"),
            ]
        )
        #expect(
            verdict.differences[0].description
                == "severity: T-000001 bin-full for device:ZJ-B03-K (line 20) has severity high, expected medium"
        )
    }

    @Test("a ticket that must be absent is a difference, whatever its status")
    func present() {
        let tickets =
            Self.matching + [
                Self.ticket("T-000004", "battery-low", .device("ZJ-G01"), status: .resolved),
                Self.ticket("T-000005", "bin-overheat", .device("ZJ-B03-K")),
            ]
        let verdict = ScenarioVerdict.verify(Self.expectations, tickets: tickets)
        #expect(
            verdict.differences == [
                .present(Self.expectations.absent[0], tickets: ["T-000004"]),
                .present(Self.expectations.absent[1], tickets: ["T-000005"]),
            ]
        )
        #expect(verdict.description.hasPrefix("FAIL: 2 differences\n  - must be absent: battery-low, found T-000004"))
    }

    @Test("with exclusive expectations any other ticket is a difference")
    func exclusive() {
        var expectations = Self.expectations
        expectations.exclusive = true
        let verdict = ScenarioVerdict.verify(expectations, tickets: Self.matching)
        #expect(verdict.differences == [.unexpected(ticket: "T-000003", rule: "bin-overheat", subject: .device("ZJ-B01-K"), site: "zijing")])
    }

    @Test("dead letters are compared when counted, and skipped when not")
    func deadLetters() {
        #expect(
            ScenarioVerdict.verify(Self.expectations, tickets: Self.matching, deadLetterCount: 3).differences
                == [.deadLetters(expected: 2, actual: 3)]
        )
        #expect(ScenarioVerdict.verify(Self.expectations, tickets: Self.matching, deadLetterCount: nil).passed)
    }

    @Test("an expectation without a subject counts tickets across subjects and sites")
    func countAcrossSubjects() {
        let expectations = ScenarioExpectations(tickets: [TicketExpectation(rule: "bin-full", count: 2)])
        let tickets = [
            Self.ticket("T-1", "bin-full", .device("ZJ-B03-K")),
            Self.ticket("T-2", "bin-full", .device("BS-B01-K"), site: "beisan"),
        ]
        #expect(ScenarioVerdict.verify(expectations, tickets: tickets).passed)
        let onlyBeisan = ScenarioExpectations(tickets: [TicketExpectation(rule: "bin-full", site: "beisan", count: 2)])
        #expect(ScenarioVerdict.verify(onlyBeisan, tickets: tickets).differences == [.wrongCount(onlyBeisan.tickets[0], found: ["T-2"])])
    }

    @Test("the expectations print as a table with absent rules and dead letters")
    func table() {
        let lines = Self.expectations.table.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("RULE      SUBJECT          SITE  COUNT  SEVERITY  STATUS  LEVEL  OCCURRENCES"))
        #expect(lines[1].hasPrefix("bin-full  device:ZJ-B03-K  -     1      medium    open    0      2"))
        #expect(lines[3] == "absent: battery-low, bin-overheat for device:ZJ-B03-K")
        #expect(lines[4] == "dead letters: 2")
    }
}
