import LinliCore
import Testing
import TicketStore

@Suite("Committing ingest batches")
struct TicketStoreCommitTests {
    let store: TicketStore

    init() throws {
        store = try TicketStore.inMemory()
    }

    @Test(
        "a ticket round-trips every field in memory",
        arguments: [
            TicketFixtures.fullTicket(), TicketFixtures.ticket(number: 3, subject: .resident("r-9")),
        ]
    )
    func roundTripsInMemory(ticket: Ticket) async throws {
        try await store.commit(IngestBatch(changes: [TicketFixtures.change(ticket)]))

        #expect(try await store.ticket(id: ticket.id) == ticket)
    }

    @Test("a later change replaces the row and appends only its new history entries")
    func laterChangeUpdatesRowAndAppendsHistory() async throws {
        let opening = TicketFixtures.opening(TicketFixtures.ticket(number: 1))
        try await store.commit(IngestBatch(changes: [opening]))
        var escalated = opening.ticket
        escalated.severity = .high
        escalated.escalationLevel = 1
        escalated.occurrences = 2
        escalated.addEvidence("e-2")
        escalated.updatedAt = escalated.openedAt + .seconds(300)
        let entry = HistoryEntry(at: escalated.updatedAt, action: .escalated, actor: "rule:bin-full")
        // The ticket's own history is ignored on write: only newHistory is appended.
        escalated.history = []

        try await store.commit(IngestBatch(changes: [TicketChange(ticket: escalated, newHistory: [entry])]))

        let stored = try #require(try await store.ticket(id: "T-000001"))
        #expect(stored.severity == .high && stored.escalationLevel == 1 && stored.occurrences == 2)
        #expect(stored.evidence == ["e-2"])
        #expect(stored.history == opening.newHistory + [entry])
    }

    @Test("an engine decision becomes a change that upserts its ticket and appends its one entry")
    func engineDecisionBecomesChange() async throws {
        let ticket = TicketFixtures.ticket(number: 4)
        let entry = HistoryEntry(at: ticket.openedAt, action: .opened, actor: "rule:bin-full")

        try await store.commit(IngestBatch(changes: [TicketChange(TicketUpdate(ticket: ticket, entry: entry))]))

        var expected = ticket
        expected.history = [entry]
        #expect(try await store.ticket(id: ticket.id) == expected)
    }

    @Test("an engine update from a stale copy does not undo a person's acknowledgement or resolution")
    func engineUpdateKeepsPeoplesChanges() async throws {
        let opening = TicketFixtures.opening(TicketFixtures.ticket(number: 1))
        try await store.commit(IngestBatch(changes: [opening]))
        let acknowledgedAt = opening.ticket.openedAt + .seconds(60)
        _ = try await store.acknowledge(id: "T-000001", actor: "warden", at: acknowledgedAt, note: nil)
        var occurred = opening.ticket  // the engine's copy still says open
        occurred.occurrences = 2
        occurred.updatedAt = opening.ticket.openedAt + .seconds(30)
        let entry = HistoryEntry(at: occurred.updatedAt, action: .occurred, actor: "rule:bin-full")
        try await store.commit(IngestBatch(changes: [TicketChange(ticket: occurred, newHistory: [entry])]))

        let acknowledged = try #require(try await store.ticket(id: "T-000001"))
        #expect(acknowledged.status == .acknowledged)
        #expect(acknowledged.acknowledgedAt == acknowledgedAt)
        #expect(acknowledged.updatedAt == acknowledgedAt)
        #expect(acknowledged.occurrences == 2)

        _ = try await store.resolve(id: "T-000001", actor: "warden", at: acknowledgedAt + .seconds(60), note: "emptied")
        occurred.occurrences = 3
        try await store.commit(IngestBatch(changes: [TicketChange(ticket: occurred, newHistory: [entry])]))
        let resolved = try #require(try await store.ticket(id: "T-000001"))
        #expect(resolved.status == .resolved)
        #expect(resolved.resolution == "emptied")

        let other = TicketFixtures.opening(TicketFixtures.ticket(number: 2, subject: .device("bin-2")))
        try await store.commit(IngestBatch(changes: [other]))
        var closing = other.ticket
        closing.status = .resolved
        closing.resolvedAt = closing.openedAt + .seconds(10)
        closing.resolution = "auto"
        try await store.commit(IngestBatch(changes: [TicketChange(ticket: closing, newHistory: [])]))
        #expect(try await store.ticket(id: "T-000002")?.status == .resolved)
        #expect(try await store.ticket(id: "T-000002")?.resolution == "auto")
    }

    @Test("two changes to one ticket in one batch are applied in order")
    func changesInOneBatchApplyInOrder() async throws {
        let opening = TicketFixtures.opening(TicketFixtures.ticket(number: 5))
        var occurred = opening.ticket
        occurred.occurrences = 2
        let entry = HistoryEntry(at: occurred.openedAt + .seconds(1), action: .occurred, actor: "rule:bin-full")

        try await store.commit(IngestBatch(changes: [opening, TicketChange(ticket: occurred, newHistory: [entry])]))

        let stored = try #require(try await store.ticket(id: "T-000005"))
        #expect(stored.occurrences == 2)
        #expect(stored.history.map(\.action) == [.opened, .occurred])
    }

    @Test("a ticket id that TicketID.make would not produce is rejected", arguments: ["T-42", "X-000042", "T-0000042", "T-abc"])
    func rejectsMalformedIDs(id: String) async throws {
        var ticket = TicketFixtures.ticket(number: 42)
        ticket.id = id

        await #expect(throws: TicketStoreError.invalidTicketID(id)) {
            try await store.commit(IngestBatch(changes: [TicketChange(ticket: ticket, newHistory: [])]))
        }
        #expect(try await store.count(matching: TicketFilter()) == 0)
    }

    @Test(
        "a second unresolved ticket for the same dedup key is rejected, whether open or acknowledged",
        arguments: [
            TicketStatus.open, .acknowledged,
        ]
    )
    func rejectsSecondUnresolvedTicket(firstStatus: TicketStatus) async throws {
        let first = TicketFixtures.ticket(number: 1, status: firstStatus)
        try await TicketFixtures.store([first], in: store)
        let second = TicketFixtures.ticket(number: 2)

        await #expect(throws: TicketStoreError.duplicateOpenTicket(second.dedupKey)) {
            try await TicketFixtures.store([second], in: store)
        }
        #expect(try await store.ticket(id: second.id) == nil)
    }

    @Test("a new ticket for the same dedup key is accepted once the first is resolved")
    func acceptsNewTicketAfterResolve() async throws {
        try await TicketFixtures.store([TicketFixtures.ticket(number: 1)], in: store)
        _ = try await store.resolve(id: "T-000001", actor: "li.wei", at: TicketFixtures.morning, note: nil)

        try await TicketFixtures.store([TicketFixtures.ticket(number: 2)], in: store)

        #expect(try await store.count(matching: TicketFilter(statuses: [.open])) == 1)
        #expect(try await store.count(matching: TicketFilter(statuses: [.resolved])) == 1)
    }

    @Test("tickets differing in rule, site or subject alone are not duplicates")
    func differentKeysAreNotDuplicates() async throws {
        try await TicketFixtures.store(
            [
                TicketFixtures.ticket(number: 1),
                TicketFixtures.ticket(number: 2, rule: "bin-silent"),
                TicketFixtures.ticket(number: 3, site: "elm-yard"),
                TicketFixtures.ticket(number: 4, subject: .device("bin-2")),
                TicketFixtures.ticket(number: 5, subject: .resident("bin-1")),
            ],
            in: store
        )

        #expect(try await store.unresolvedTickets().count == 5)
    }

    @Test("a batch with a constraint violation leaves nothing of itself behind")
    func failedBatchIsRolledBack() async throws {
        try await TicketFixtures.store([TicketFixtures.ticket(number: 1)], in: store)
        let revision = try await store.currentRevision()
        let batch = IngestBatch(
            changes: [
                TicketFixtures.opening(TicketFixtures.ticket(number: 2, subject: .device("bin-2"))),
                TicketFixtures.opening(TicketFixtures.ticket(number: 3)),
            ],
            deadLetters: [
                DeadLetter(topic: "t", reason: "invalid_json", detail: "d", payload: [1], receivedAt: .init(seconds: 1))
            ],
            seenEvents: [SeenEvent(source: "gw-1", id: "e-1", time: .init(seconds: 1))],
            engineState: ["timers": [9]]
        )

        await #expect(throws: TicketStoreError.duplicateOpenTicket(TicketFixtures.ticket(number: 3).dedupKey)) {
            try await store.commit(batch)
        }

        #expect(try await store.ticket(id: "T-000002") == nil)
        #expect(try await store.deadLetterCount() == 0)
        #expect(try await store.seenEvents(since: .init(milliseconds: 0)).isEmpty)
        #expect(try await store.engineState(key: "timers") == nil)
        #expect(try await store.currentRevision() == revision)
        #expect(try await store.ticket(id: "T-000001")?.history.count == 1)
    }

    @Test("two unresolved tickets for one dedup key within one batch are rejected")
    func duplicateWithinBatchIsRejected() async throws {
        let first = TicketFixtures.ticket(number: 1)

        await #expect(throws: TicketStoreError.duplicateOpenTicket(first.dedupKey)) {
            try await TicketFixtures.store([first, TicketFixtures.ticket(number: 2)], in: store)
        }
        #expect(try await store.maxTicketNumber() == 0)
    }

    @Test("the highest ticket number and the unresolved tickets are what the engine restarts from")
    func restoresMaxNumberAndUnresolvedTickets() async throws {
        #expect(try await store.maxTicketNumber() == 0)
        try await TicketFixtures.store(
            [
                TicketFixtures.ticket(number: 9, subject: .device("a")),
                TicketFixtures.ticket(number: 12, subject: .device("b"), status: .resolved),
                TicketFixtures.ticket(number: 10, subject: .device("c"), status: .acknowledged),
            ],
            in: store
        )

        #expect(try await store.maxTicketNumber() == 12)
        let unresolved = try await store.unresolvedTickets()
        #expect(unresolved.map(\.id) == ["T-000009", "T-000010"])
        #expect(unresolved.allSatisfy { $0.history.map(\.action) == [.opened] })
    }

    @Test("an empty batch writes nothing and does not raise the revision")
    func emptyBatchWritesNothing() async throws {
        try await store.commit(IngestBatch())

        #expect(try await store.currentRevision() == 0)
    }
}
