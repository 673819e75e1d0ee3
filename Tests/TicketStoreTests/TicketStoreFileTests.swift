import Foundation
import LinliCore
import Testing

@testable import TicketStore

@Suite("Ticket store on a database file")
struct TicketStoreFileTests {
    @Test("a ticket round-trips every field, its history, evidence, nulls and coordinates through a file")
    func roundTripsEveryFieldThroughFile() async throws {
        let directory = try TicketFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("tickets.sqlite").path
        let full = TicketFixtures.fullTicket(number: 7)
        var sparse = TicketFixtures.ticket(number: 8, subject: .device("gate:north/2"))
        sparse.history = [HistoryEntry(at: sparse.openedAt, action: .opened, actor: "rule:bin-full", note: nil)]

        let store = try TicketStore(path: path)
        try await store.commit(
            IngestBatch(changes: [TicketFixtures.change(full), TicketFixtures.change(sparse)])
        )

        #expect(try await store.ticket(id: full.id) == full)
        #expect(try await store.ticket(id: sparse.id) == sparse)
        let reloadedSparse = try #require(try await store.ticket(id: sparse.id))
        #expect(reloadedSparse.lat == nil && reloadedSparse.long == nil && reloadedSparse.ackDueAt == nil)
        #expect(reloadedSparse.device == "gate:north/2" && reloadedSparse.resident == nil)
        #expect(FileManager.default.fileExists(atPath: path))
        try store.close()
    }

    @Test("reopening the file keeps every ticket, dead letter, seen event and engine state")
    func reopeningKeepsEverything() async throws {
        let directory = try TicketFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("tickets.sqlite").path
        let morning = TicketFixtures.morning
        let tickets = [TicketFixtures.fullTicket(number: 1), TicketFixtures.ticket(number: 2)]
        let deadLetter = DeadLetter(
            topic: "linli/v1/oak-court/events",
            reason: "invalid_json",
            detail: "expected an object",
            payload: Array("{oops".utf8),
            receivedAt: morning
        )
        let seen = SeenEvent(source: "gw-1", id: "e-1", time: morning)

        let first = try TicketStore(path: path)
        try await first.commit(
            IngestBatch(
                changes: tickets.map(TicketFixtures.change),
                deadLetters: [deadLetter],
                seenEvents: [seen],
                engineState: ["timers": [1, 2, 3]]
            )
        )
        let revision = try await first.currentRevision()
        try first.close()

        for _ in 1...2 {
            let reopened = try TicketStore(path: path)
            #expect(try await reopened.tickets(matching: TicketFilter(sort: .init(.openedAt, .ascending))).count == 2)
            #expect(try await reopened.ticket(id: tickets[0].id) == tickets[0])
            #expect(try await reopened.deadLetters(limit: 10) == [deadLetter])
            #expect(try await reopened.seenEvents(since: morning) == [seen])
            #expect(try await reopened.engineState(key: "timers") == [1, 2, 3])
            #expect(try await reopened.maxTicketNumber() == 2)
            #expect(try await reopened.currentRevision() == revision)
            try reopened.close()
        }
    }

    @Test("a second store on the same file sees the manual changes the other made through changesSince")
    func changesSinceSeesAnotherStoresChanges() async throws {
        let directory = try TicketFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("tickets.sqlite").path
        let daemon = try TicketStore(path: path)
        let cli = try TicketStore(path: path)
        try await TicketFixtures.store(
            [TicketFixtures.ticket(number: 1), TicketFixtures.ticket(number: 2, subject: .device("bin-2"))],
            in: daemon
        )
        let known = try await daemon.currentRevision()

        let acknowledged = try await cli.acknowledge(
            id: "T-000002",
            actor: "li.wei",
            at: TicketFixtures.morning + .seconds(5),
            note: nil
        )
        let changes = try await daemon.changesSince(revision: known)

        #expect(changes.tickets == [acknowledged])
        #expect(changes.revision > known)
        #expect(try await daemon.changesSince(revision: changes.revision).tickets.isEmpty)
        try cli.close()
        try daemon.close()
    }

    @Test("checkpointPages: background checkpoints copy committed pages into the database file as commits go")
    func checkpointPagesMovesPagesIntoTheFile() async throws {
        let directory = try TicketFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        func databaseBytes(checkpointPages: Int) async throws -> Int {
            let path = directory.appendingPathComponent("pages-\(checkpointPages).sqlite").path
            let store = try TicketStore(path: path, configuration: .init(checkpointPages: checkpointPages))
            for batch in 0..<20 {
                let changes = (1...20).map { index in
                    let number = batch * 20 + index
                    return TicketFixtures.change(TicketFixtures.ticket(number: number, subject: .device("bin-\(number)")))
                }
                try await store.commit(IngestBatch(changes: changes))
            }
            store.checkpointer?.waitUntilIdle()
            let bytes = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
            try store.close()
            return bytes
        }
        let checkpointed = try await databaseBytes(checkpointPages: 16)
        let inLogOnly = try await databaseBytes(checkpointPages: 1_000_000)
        // 400 tickets with eleven indexes fill far more than 16 pages; without a checkpoint the file keeps only
        // the schema pages written when it was created.
        #expect(checkpointed > inLogOnly + 16 * 4096)
    }
}
