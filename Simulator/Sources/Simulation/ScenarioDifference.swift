public import LinliCore

/// One way a daemon's tickets differ from what a scenario expects.
public enum ScenarioDifference: Sendable, Hashable, CustomStringConvertible {
    /// No ticket matches an expectation.
    case missing(TicketExpectation)
    /// Some tickets match, but not as many as expected; `found` are their ids.
    case wrongCount(TicketExpectation, found: [String])
    /// A matching ticket has another value in one field.
    case wrongField(TicketExpectation, ticket: String, field: String, expected: String, actual: String)
    /// Tickets exist that must not.
    case present(AbsentExpectation, tickets: [String])
    /// With `exclusive: true`, a ticket no expectation mentions.
    case unexpected(ticket: String, rule: String, subject: Subject, site: String)
    /// Another number of dead letters than expected.
    case deadLetters(expected: Int, actual: Int)

    /// One line for people, e.g. `missing: bin-full for device:ZJ-B03-K (expected 1 ticket, found none)`.
    public var description: String {
        switch self {
        case .missing(let expectation):
            "missing: \(expectation)\(Self.lineText(expectation.line)) (expected \(Self.tickets(expectation.count)), found none)"
        case .wrongCount(let expectation, let found):
            "count: \(expectation)\(Self.lineText(expectation.line)): expected \(Self.tickets(expectation.count)), "
                + "found \(found.count) (\(found.joined(separator: ", ")))"
        case .wrongField(let expectation, let ticket, let field, let expected, let actual):
            "\(field): \(ticket) \(expectation)\(Self.lineText(expectation.line)) has \(field) \(actual), expected \(expected)"
        case .present(let expectation, let tickets):
            "must be absent: \(expectation)\(Self.lineText(expectation.line)), found \(tickets.joined(separator: ", "))"
        case .unexpected(let ticket, let rule, let subject, let site):
            "unexpected: \(ticket) \(rule) for \(subject) at \(site) (the expectations are exclusive)"
        case .deadLetters(let expected, let actual):
            "dead letters: expected \(expected), found \(actual)"
        }
    }

    private static func tickets(_ count: Int) -> String {
        count == 1 ? "1 ticket" : "\(count) tickets"
    }

    private static func lineText(_ line: Int) -> String {
        line > 0 ? " (line \(line))" : ""
    }
}
