import LinliCore
import Testing
import TicketStore

@Suite("Dead letters, seen events and engine state")
struct TicketStoreIngestStateTests {
    let store: TicketStore
    let morning = TicketFixtures.morning

    init() throws {
        store = try TicketStore.inMemory()
    }

    @Test("dead letters round-trip with their payload prefix and full size, newest first, paged")
    func deadLettersRoundTrip() async throws {
        let large = DeadLetter(
            topic: "linli/v1/oak-court/events",
            reason: "payload_too_large",
            detail: "payload is 4096 bytes",
            payload: [UInt8](repeating: 0xFF, count: 4096),
            receivedAt: morning
        )
        let empty = DeadLetter(
            topic: "linli/v1/oak-court/events",
            reason: "empty_payload",
            detail: "no bytes",
            payload: [],
            receivedAt: morning + .seconds(1)
        )
        let binary = DeadLetter(
            topic: "linli/v1/elm-yard/events",
            reason: "invalid_json",
            detail: "byte 0 is not JSON",
            payload: [0, 1, 2, 0xC3, 0x28],
            receivedAt: morning + .milliseconds(2_001)
        )
        try await store.commit(IngestBatch(deadLetters: [large, empty]))
        try await store.commit(IngestBatch(deadLetters: [binary]))

        #expect(try await store.deadLetters(limit: 10) == [binary, empty, large])
        #expect(try await store.deadLetters(limit: 1, offset: 1) == [empty])
        #expect(try await store.deadLetterCount() == 3)
        let stored = try #require(try await store.deadLetters(limit: 1, offset: 2).first)
        #expect(stored.payloadPrefix.count == DeadLetter.payloadPrefixLimit && stored.payloadSize == 4096)
    }

    @Test("seen events round-trip, a redelivered one is kept once, and pruning forgets only older ones")
    func seenEventsRoundTripAndPrune() async throws {
        let events = (0..<4).map { SeenEvent(source: "gw-1", id: "e-\($0)", time: morning + .seconds(60 * $0)) }
        let other = SeenEvent(source: "gw-2", id: "e-0", time: morning + .seconds(30))
        try await store.commit(IngestBatch(seenEvents: events + [other]))
        try await store.commit(IngestBatch(seenEvents: [events[1]]))

        #expect(try await store.seenEvents(since: morning) == [events[0], other, events[1], events[2], events[3]])
        #expect(try await store.seenEvents(since: morning + .seconds(120)) == [events[2], events[3]])

        let pruned = try await store.pruneSeenEvents(before: morning + .seconds(60))

        #expect(pruned == 2)
        #expect(try await store.seenEvents(since: .init(milliseconds: 0)) == Array(events.dropFirst()))
    }

    @Test("engine state blobs are upserted by key; keys not in a batch are left untouched")
    func engineStateRoundTrip() async throws {
        try await store.commit(IngestBatch(engineState: ["timers": [1, 2, 3], "windows": [4], "empty": []]))
        try await store.commit(IngestBatch(engineState: ["timers": [9, 8]]))

        #expect(try await store.engineState(key: "timers") == [9, 8])
        #expect(try await store.engineState(key: "windows") == [4])
        #expect(try await store.engineState(key: "empty") == [])
        #expect(try await store.engineState(key: "missing") == nil)
        #expect(try await store.allEngineState() == ["timers": [9, 8], "windows": [4], "empty": []])
    }

    @Test("engine state and tickets written by one batch are stored together")
    func engineStateCommitsWithTickets() async throws {
        let batch = IngestBatch(
            changes: [TicketFixtures.opening(TicketFixtures.ticket(number: 1))],
            seenEvents: [SeenEvent(source: "gw-1", id: "e-1", time: morning)],
            engineState: ["timers": [7]]
        )

        try await store.commit(batch)

        #expect(try await store.ticket(id: "T-000001") != nil)
        #expect(try await store.engineState(key: "timers") == [7])
        #expect(try await store.seenEvents(since: morning).count == 1)
    }
}
