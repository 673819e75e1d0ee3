import LinliCore
import Testing
import TicketStore

@Suite("Listing and counting tickets")
struct TicketStoreFilterTests {
    /// A filter case: its name, the filter, and the ticket numbers it must list (newest first).
    struct FilterCase: Sendable, CustomTestStringConvertible {
        let name: String
        let filter: TicketFilter
        let expected: [Int]
        var testDescription: String { name }
    }

    static let base = TicketFixtures.morning

    /// Eight tickets; number n is opened n minutes after `base`, updated in reverse order.
    static let tickets: [Ticket] = [
        TicketFixtures.ticket(number: 1, subject: .device("bin-1"), severity: .low),
        TicketFixtures.ticket(number: 2, subject: .device("bin-2"), status: .resolved, severity: .critical),
        TicketFixtures.ticket(number: 3, rule: "gate-open", subject: .device("gate-1"), severity: .high, team: "security"),
        TicketFixtures.ticket(number: 4, site: "elm-yard", subject: .device("bin-1"), status: .acknowledged),
        TicketFixtures.ticket(number: 5, rule: "no-motion", subject: .resident("r-1"), severity: .critical, team: "care"),
        TicketFixtures.ticket(number: 6, rule: "no-motion", subject: .resident("r-2"), status: .resolved, team: "care"),
        TicketFixtures.ticket(number: 7, rule: "gate-open", site: "elm-yard", subject: .device("gate-1"), severity: .high, team: "security"),
        TicketFixtures.ticket(number: 8, subject: .device("bin-3"), severity: .low),
    ].map { ticket in
        var ticket = ticket
        let number = TicketID.number(of: ticket.id) ?? 0
        ticket.openedAt = base + .seconds(60 * number)
        ticket.updatedAt = base + .seconds(3600 - 60 * number)
        ticket.lastEventAt = ticket.openedAt
        return ticket
    }

    static let cases: [FilterCase] = [
        FilterCase(name: "everything", filter: TicketFilter(), expected: [8, 7, 6, 5, 4, 3, 2, 1]),
        FilterCase(name: "open", filter: TicketFilter(statuses: [.open]), expected: [8, 7, 5, 3, 1]),
        FilterCase(
            name: "unresolved",
            filter: TicketFilter(statuses: [.open, .acknowledged]),
            expected: [8, 7, 5, 4, 3, 1]
        ),
        FilterCase(name: "team", filter: TicketFilter(team: "care"), expected: [6, 5]),
        FilterCase(name: "site", filter: TicketFilter(site: "elm-yard"), expected: [7, 4]),
        FilterCase(name: "rule", filter: TicketFilter(rule: "gate-open"), expected: [7, 3]),
        FilterCase(name: "severities", filter: TicketFilter(severities: [.critical, .low]), expected: [8, 5, 2, 1]),
        FilterCase(name: "subject", filter: TicketFilter(subject: .device("bin-1")), expected: [4, 1]),
        FilterCase(name: "resident subject", filter: TicketFilter(subject: .resident("r-2")), expected: [6]),
        FilterCase(
            name: "opened window, after inclusive and before exclusive",
            filter: TicketFilter(openedAfter: base + .seconds(180), openedBefore: base + .seconds(360)),
            expected: [5, 4, 3]
        ),
        FilterCase(
            name: "criteria combine",
            filter: TicketFilter(statuses: [.open], team: "security", site: "oak-court"),
            expected: [3]
        ),
        FilterCase(name: "nothing matches", filter: TicketFilter(team: "volunteers"), expected: []),
    ]

    let store: TicketStore

    init() async throws {
        store = try TicketStore.inMemory()
        try await TicketFixtures.store(Self.tickets, in: store)
    }

    @Test("each filter lists and counts exactly its tickets", arguments: cases)
    func filtersListAndCount(filterCase: FilterCase) async throws {
        let listed = try await store.tickets(matching: filterCase.filter)

        #expect(listed.map(\.id) == filterCase.expected.map(TicketID.make))
        #expect(try await store.count(matching: filterCase.filter) == filterCase.expected.count)
    }

    @Test(
        "sorting orders by the key and breaks ties by number in the same direction",
        arguments: [
            (TicketFilter.Sort(.openedAt, .ascending), [1, 2, 3, 4, 5, 6, 7, 8]),
            (TicketFilter.Sort(.openedAt, .descending), [8, 7, 6, 5, 4, 3, 2, 1]),
            (TicketFilter.Sort(.updatedAt, .ascending), [8, 7, 6, 5, 4, 3, 2, 1]),
            (TicketFilter.Sort(.updatedAt, .descending), [1, 2, 3, 4, 5, 6, 7, 8]),
            (TicketFilter.Sort(.severity, .descending), [5, 2, 7, 3, 6, 4, 8, 1]),
            (TicketFilter.Sort(.severity, .ascending), [1, 8, 4, 6, 3, 7, 2, 5]),
        ]
    )
    func sorts(sort: TicketFilter.Sort, expected: [Int]) async throws {
        let listed = try await store.tickets(matching: TicketFilter(sort: sort))

        #expect(listed.map(\.id) == expected.map(TicketID.make))
    }

    @Test("pages of limit and offset cover the listing once, in order, and count ignores them")
    func paginates() async throws {
        var pages: [[String]] = []
        for offset in stride(from: 0, to: 10, by: 3) {
            let filter = TicketFilter(sort: .init(.openedAt, .ascending), limit: 3, offset: offset)
            pages.append(try await store.tickets(matching: filter).map(\.id))
            #expect(try await store.count(matching: filter) == 8)
        }

        #expect(pages.map(\.count) == [3, 3, 2, 0])
        #expect(pages.flatMap { $0 } == (1...8).map(TicketID.make))
        #expect(try await store.tickets(matching: TicketFilter(limit: 0)).isEmpty)
    }

    @Test("listed tickets carry their history unless the filter asks for none")
    func historyIsIncludedUnlessDeclined() async throws {
        let withHistory = try await store.tickets(matching: TicketFilter(limit: 2))
        let withoutHistory = try await store.tickets(matching: TicketFilter(limit: 2, includesHistory: false))

        #expect(withHistory.allSatisfy { $0.history.map(\.action) == [.opened] })
        #expect(withoutHistory.allSatisfy { $0.history.isEmpty })
        #expect(withoutHistory.map(\.id) == withHistory.map(\.id))
    }
}
