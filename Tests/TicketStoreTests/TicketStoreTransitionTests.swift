import LinliCore
import Testing
import TicketStore

@Suite("Manual ticket transitions")
struct TicketStoreTransitionTests {
    /// A manual action, to drive the table of invalid transitions.
    enum Action: String, Sendable, CaseIterable {
        case acknowledge, resolve, reopen

        var historyAction: HistoryEntry.Action {
            switch self {
            case .acknowledge: .acknowledged
            case .resolve: .resolved
            case .reopen: .reopened
            }
        }

        func perform(on store: TicketStore, id: String, at: EventTime) async throws -> Ticket {
            switch self {
            case .acknowledge: try await store.acknowledge(id: id, actor: "li.wei", at: at, note: nil)
            case .resolve: try await store.resolve(id: id, actor: "li.wei", at: at, note: nil)
            case .reopen: try await store.reopen(id: id, actor: "li.wei", at: at, note: nil)
            }
        }
    }

    let store: TicketStore
    let later = TicketFixtures.morning + .seconds(600)

    init() throws {
        store = try TicketStore.inMemory()
    }

    /// Stores ticket T-000001 in `status`.
    func storeTicket(status: TicketStatus) async throws {
        try await TicketFixtures.store([TicketFixtures.ticket(number: 1, status: status)], in: store)
    }

    @Test("acknowledging an open ticket records who, when and why")
    func acknowledgesOpenTicket() async throws {
        try await storeTicket(status: .open)

        let ticket = try await store.acknowledge(id: "T-000001", actor: "li.wei", at: later, note: "on my way")

        #expect(ticket.status == .acknowledged)
        #expect(ticket.acknowledgedAt == later)
        #expect(ticket.updatedAt == later)
        #expect(ticket.history.last == HistoryEntry(at: later, action: .acknowledged, actor: "li.wei", note: "on my way"))
        #expect(try await store.ticket(id: "T-000001") == ticket)
    }

    @Test(
        "resolving an open or acknowledged ticket records the note as resolution, or manual",
        arguments: [TicketStatus.open, .acknowledged],
        [String?.none, "replaced the sensor"]
    )
    func resolvesUnresolvedTicket(from status: TicketStatus, note: String?) async throws {
        try await storeTicket(status: status)

        let ticket = try await store.resolve(id: "T-000001", actor: "li.wei", at: later, note: note)

        #expect(ticket.status == .resolved)
        #expect(ticket.resolvedAt == later)
        #expect(ticket.resolution == (note ?? "manual"))
        #expect(ticket.history.last == HistoryEntry(at: later, action: .resolved, actor: "li.wei", note: note))
    }

    @Test("reopening a resolved ticket makes it open and clears acknowledgement and resolution")
    func reopensResolvedTicket() async throws {
        try await storeTicket(status: .open)
        _ = try await store.acknowledge(id: "T-000001", actor: "li.wei", at: later, note: nil)
        _ = try await store.resolve(id: "T-000001", actor: "li.wei", at: later + .seconds(1), note: nil)

        let ticket = try await store.reopen(id: "T-000001", actor: "zhang.min", at: later + .seconds(2), note: "still full")

        #expect(ticket.status == .open)
        #expect(ticket.acknowledgedAt == nil && ticket.resolvedAt == nil && ticket.resolution == nil)
        #expect(ticket.history.map(\.action) == [.opened, .acknowledged, .resolved, .reopened])
        #expect(ticket.history.last?.note == "still full")
    }

    @Test("reopening is refused while a newer ticket with the same dedup key is unresolved")
    func reopenRefusedWhenDuplicateOpen() async throws {
        try await storeTicket(status: .resolved)
        let newer = TicketFixtures.ticket(number: 2)
        try await TicketFixtures.store([newer], in: store)

        await #expect(throws: TicketStoreError.duplicateOpenTicket(newer.dedupKey)) {
            try await store.reopen(id: "T-000001", actor: "li.wei", at: later, note: nil)
        }
        #expect(try await store.ticket(id: "T-000001")?.status == .resolved)
        #expect(try await store.ticket(id: "T-000001")?.history.count == 1)
    }

    @Test("commenting appends an entry in any status and changes nothing else", arguments: TicketStatus.allCases)
    func commentsInAnyStatus(status: TicketStatus) async throws {
        try await storeTicket(status: status)
        let before = try #require(try await store.ticket(id: "T-000001"))

        let ticket = try await store.comment(id: "T-000001", actor: "li.wei", at: later, note: "called the caretaker")

        var expected = before
        expected.updatedAt = later
        expected.history.append(HistoryEntry(at: later, action: .commented, actor: "li.wei", note: "called the caretaker"))
        #expect(ticket == expected)
    }

    @Test(
        "an action the ticket's status does not allow is refused and changes nothing",
        arguments: [
            (TicketStatus.acknowledged, Action.acknowledge), (.resolved, .acknowledge), (.resolved, .resolve),
            (.open, .reopen), (.acknowledged, .reopen),
        ]
    )
    func refusesInvalidTransition(status: TicketStatus, action: Action) async throws {
        try await storeTicket(status: status)
        let before = try await store.ticket(id: "T-000001")
        let revision = try await store.currentRevision()

        await #expect(
            throws: TicketStoreError.invalidTransition(id: "T-000001", from: status, action: action.historyAction)
        ) {
            try await action.perform(on: store, id: "T-000001", at: later)
        }
        #expect(try await store.ticket(id: "T-000001") == before)
        #expect(try await store.currentRevision() == revision)
    }

    @Test("every action on an unknown ticket throws notFound", arguments: Action.allCases)
    func unknownTicketIsNotFound(action: Action) async throws {
        await #expect(throws: TicketStoreError.notFound("T-000404")) {
            try await action.perform(on: store, id: "T-000404", at: later)
        }
        await #expect(throws: TicketStoreError.notFound("T-000404")) {
            try await store.comment(id: "T-000404", actor: "li.wei", at: later, note: "hello")
        }
    }

    @Test("a transition stamped earlier than the last change does not move updatedAt back")
    func updatedAtNeverMovesBack() async throws {
        try await storeTicket(status: .open)
        let earlier = TicketFixtures.morning - .seconds(60)

        let ticket = try await store.acknowledge(id: "T-000001", actor: "li.wei", at: earlier, note: nil)

        #expect(ticket.updatedAt == TicketFixtures.morning)
        #expect(ticket.acknowledgedAt == earlier)
    }

    @Test("each manual change raises the revision, and changesSince returns just the changed tickets")
    func manualChangesAppearInChangesSince() async throws {
        try await TicketFixtures.store(
            [TicketFixtures.ticket(number: 1), TicketFixtures.ticket(number: 2, subject: .device("bin-2"))],
            in: store
        )
        let start = try await store.currentRevision()

        let acknowledged = try await store.acknowledge(id: "T-000002", actor: "li.wei", at: later, note: nil)
        let afterAck = try await store.changesSince(revision: start)
        let resolved = try await store.resolve(id: "T-000002", actor: "li.wei", at: later, note: nil)
        let afterResolve = try await store.changesSince(revision: afterAck.revision)

        #expect(start > 0)
        #expect(afterAck.tickets == [acknowledged])
        #expect(afterResolve.tickets == [resolved])
        #expect(afterResolve.revision > afterAck.revision && afterAck.revision > start)
        #expect(try await store.changesSince(revision: 0).tickets.map(\.id) == ["T-000001", "T-000002"])
    }

    @Test("peopleChangesSince returns people's changes as the tickets now stand, never the engine's own writes")
    func peopleChangesSkipEngineWrites() async throws {
        try await TicketFixtures.store(
            [TicketFixtures.ticket(number: 1), TicketFixtures.ticket(number: 2, subject: .device("bin-2"))],
            in: store
        )
        #expect(try await store.peopleChangesSince(revision: 0).tickets.isEmpty)
        let start = try await store.currentRevision()

        _ = try await store.acknowledge(id: "T-000002", actor: "li.wei", at: later, note: nil)
        var engineCopy = TicketFixtures.ticket(number: 2, subject: .device("bin-2"))
        engineCopy.occurrences += 1
        try await store.commit(IngestBatch(changes: [TicketChange(ticket: engineCopy, newHistory: [])]))
        try await TicketFixtures.store([TicketFixtures.ticket(number: 3, subject: .device("bin-3"))], in: store)
        let changes = try await store.peopleChangesSince(revision: start)

        #expect(changes.tickets.map(\.id) == ["T-000002"])
        #expect(changes.tickets.first?.status == .acknowledged)
        #expect(changes.tickets.first?.occurrences == engineCopy.occurrences)
        #expect(changes.revision == (try await store.currentRevision()))
        #expect(try await store.peopleChangesSince(revision: changes.revision).tickets.isEmpty)
    }
}
