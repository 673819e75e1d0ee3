public import LinliCore

/// The outcome of comparing tickets with a scenario's expectations.
public struct ScenarioVerdict: Sendable, Hashable, CustomStringConvertible {
    /// Every difference found, in expectation order; empty when the scenario passed.
    public var differences: [ScenarioDifference]
    /// How many tickets were compared.
    public var ticketCount: Int

    /// Creates a verdict.
    public init(differences: [ScenarioDifference], ticketCount: Int) {
        self.differences = differences
        self.ticketCount = ticketCount
    }

    /// Whether the tickets are what the scenario expects.
    public var passed: Bool { differences.isEmpty }

    /// Compares tickets with expectations: a pure function of its arguments.
    ///
    /// For each expected ticket: the tickets with its rule (and subject and site, when given) must number
    /// `count`, and each must have every field the expectation gives. For each absent one: no ticket of its
    /// rule (subject, site) may exist, whatever its status. With `exclusive`, every ticket must match an
    /// expectation. Dead letters are compared when both the expectation and `deadLetterCount` are given.
    ///
    /// ```swift
    /// let verdict = ScenarioVerdict.verify(scenario.expectations, tickets: tickets, deadLetterCount: 2)
    /// print(verdict)   // "PASS: 3 tickets as expected" or one difference a line
    /// ```
    public static func verify(
        _ expectations: ScenarioExpectations,
        tickets: [Ticket],
        deadLetterCount: Int? = nil
    ) -> ScenarioVerdict {
        let tickets = tickets.sorted { ($0.openedAt, $0.id) < ($1.openedAt, $1.id) }
        var differences: [ScenarioDifference] = []
        for expectation in expectations.tickets {
            let matching = tickets.filter(expectation.matches)
            if matching.isEmpty {
                differences.append(.missing(expectation))
                continue
            }
            if matching.count != expectation.count {
                differences.append(.wrongCount(expectation, found: matching.map(\.id)))
            }
            for ticket in matching {
                differences += fieldDifferences(expectation, ticket)
            }
        }
        for expectation in expectations.absent {
            let matching = tickets.filter(expectation.matches)
            if !matching.isEmpty {
                differences.append(.present(expectation, tickets: matching.map(\.id)))
            }
        }
        if expectations.exclusive {
            for ticket in tickets where !expectations.tickets.contains(where: { $0.matches(ticket) }) {
                differences.append(.unexpected(ticket: ticket.id, rule: ticket.rule, subject: ticket.subject, site: ticket.site))
            }
        }
        if let expected = expectations.deadLetters, let actual = deadLetterCount, expected != actual {
            differences.append(.deadLetters(expected: expected, actual: actual))
        }
        return ScenarioVerdict(differences: differences, ticketCount: tickets.count)
    }

    /// The fields of `ticket` that differ from what `expectation` gives.
    private static func fieldDifferences(_ expectation: TicketExpectation, _ ticket: Ticket) -> [ScenarioDifference] {
        var differences: [ScenarioDifference] = []
        func check(_ field: String, _ expected: String?, _ actual: String) {
            if let expected, expected != actual {
                differences.append(.wrongField(expectation, ticket: ticket.id, field: field, expected: expected, actual: actual))
            }
        }
        check("severity", expectation.severity?.rawValue, ticket.severity.rawValue)
        check("status", expectation.status?.rawValue, ticket.status.rawValue)
        check("escalation_level", expectation.escalationLevel.map(String.init), String(ticket.escalationLevel))
        check("occurrences", expectation.occurrences.map(String.init), String(ticket.occurrences))
        return differences
    }

    /// `PASS: 3 tickets as expected`, or `FAIL: 2 differences` and one difference a line.
    public var description: String {
        if passed {
            return "PASS: \(ticketCount == 1 ? "1 ticket" : "\(ticketCount) tickets"), as expected"
        }
        let heading = "FAIL: \(differences.count == 1 ? "1 difference" : "\(differences.count) differences")"
        return ([heading] + differences.map { "  - \($0)" }).joined(separator: "\n")
    }
}
