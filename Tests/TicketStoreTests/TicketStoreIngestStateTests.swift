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

    @Test("seen events round-trip, a redelivered one is listed once, and pruning forgets only older ones")
    func seenEventsRoundTripAndPrune() async throws {
        let events = (0..<4).map { SeenEvent(source: "gw-1", id: "e-\($0)", time: morning + .seconds(60 * $0)) }
        let other = SeenEvent(source: "gw-2", id: "e-0", time: morning + .seconds(30))
        try await store.commit(IngestBatch(seenEvents: events + [other]))
        try await store.commit(IngestBatch(seenEvents: [events[1]]))

        #expect(try await store.seenEvents(since: morning) == [events[0], other, events[1], events[2], events[3]])
        #expect(try await store.seenEvents(since: morning + .seconds(120)) == [events[2], events[3]])
        #expect(try await store.seenEvents(newest: 1) == [events[1]])
        #expect(try await store.seenEvents(newest: 2) == events + [other, events[1]])

        #expect(try await store.pruneSeenEvents(keepingNewest: 6) == 0)
        #expect(try await store.pruneSeenEvents(keepingNewest: 1) == 5)
        #expect(try await store.seenEvents(newest: 100) == [events[1]])
    }

    @Test("seen events keep their commit order across many batches, with any text in source and id")
    func seenEventsKeepCommitOrder() async throws {
        let unusual = SeenEvent(source: "/sites/zijing/devices/ZJ-日/\t", id: "", time: .init(milliseconds: -5))
        let batches = (0..<5).map { batch in
            (0..<3).map { SeenEvent(source: "gw", id: "b\(batch)-\($0)", time: morning - .seconds(batch)) }
        }
        for batch in batches { try await store.commit(IngestBatch(seenEvents: batch)) }
        try await store.commit(IngestBatch(seenEvents: [unusual]))

        #expect(try await store.seenEvents(newest: 7) == Array(batches[3...].joined()) + [unusual])

        #expect(try await store.pruneSeenEvents(keepingNewest: 4) == 12)
        #expect(try await store.seenEvents(newest: 100) == batches[4] + [unusual])
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

    @Test("blobs written in place are the blobs given as a dictionary: empty values, long values, any key text")
    func engineStateBlobsLayout() async throws {
        let long = [UInt8](repeating: 7, count: 70_000)
        let expected: [String: [UInt8]] = ["engine.clock": [1], "empty": [], "engine.s/r/日/device:ZJ": long]
        var inPlace = EngineStateBlobs()
        inPlace.append(writingKey: { $0 += "engine.clock".utf8 }, writingValue: { $0.append(1) })
        inPlace.append(writingKey: { $0 += "empty".utf8 }, writingValue: { _ in })
        inPlace.append(writingKey: { $0 += "engine.s/r/日/device:ZJ".utf8 }, writingValue: { $0 += long })
        #expect(inPlace.count == 3)
        #expect(inPlace.dictionary == expected)
        #expect(EngineStateBlobs(expected).dictionary == expected)
        #expect(EngineStateBlobs().isEmpty && !inPlace.isEmpty)

        try await store.commit(IngestBatch(engineState: inPlace))
        #expect(try await store.allEngineState() == expected)
    }

    @Test(
        "engine state reads the same whether its log is folded after every batch, now and then, or never",
        arguments: [1, 40, 1 << 20]
    )
    func engineStateLogFolds(foldBytes: Int) async throws {
        let store = try TicketStore.inMemory(engineStateLogBytes: foldBytes)
        var expected: [String: [UInt8]] = [:]
        for batch in 0..<12 {
            var state: [String: [UInt8]] = ["engine.clock": [UInt8(batch)]]
            for subject in 0..<5 where (subject + batch) % 3 != 0 {
                state["engine.s/rule/site/device:\(subject)"] = subject == 4 && batch > 6 ? [] : [UInt8(batch), UInt8(subject)]
            }
            expected.merge(state) { _, new in new }
            try await store.commit(IngestBatch(engineState: EngineStateBlobs(state)))
            #expect(try await store.allEngineState() == expected, "after batch \(batch)")
        }
        #expect(try await store.engineState(key: "engine.clock") == [11])
        #expect(try await store.engineState(key: "engine.s/rule/site/device:4") == [])
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
