import Foundation
import LinliCore
import Logging
import TestSupport
import Testing
import TicketStore

@testable import LinliDaemon

@Suite(
    "Reliability: journaled messages survive a crash, applied once, with bounded de-duplication memory",
    .serialized,
    .timeLimit(.minutes(1))
)
struct ReliabilityRecoveryTests {
    @Test("messages journaled but not committed before a crash are applied at the next start, before connecting")
    func journalIsReplayedAtStart() async throws {
        let broker = try await MosquittoBroker.start()
        let directory = try TemporaryDirectory()
        // What the receive hook wrote for three acknowledged messages before the process died.
        let now = WallClock.now()
        let lost: [Event] = [
            Event(id: "crash-1", site: "zijing", device: "ZJ-B03-K", type: .binFill, time: now, data: EventData(fillPct: 93)),
            Event(id: "crash-2", site: "zijing", device: "ZJ-B03-K", type: .binFill, time: now + .seconds(1), data: EventData(fillPct: 96)),
            Event(id: "crash-3", site: "zijing", device: "ZJ-C-0012", type: .careSOS, time: now, data: EventData(resident: "R-0012")),
        ]
        do {
            let journal = try InboxJournal(
                configuration: LiveDaemon.configuration(brokerURL: broker.url, directory: directory).journalConfiguration,
                appliedThrough: 0,
                logger: LiveDaemon.quietLogger()
            )
            for event in lost {
                try journal.append(topic: event.topic, payload: event.payload(), receivedAt: now)
            }
            journal.close()
        }

        let live = try await LiveDaemon.start(broker: broker, directory: directory)
        #expect(live.status.journalReplayed == 3)
        #expect(live.status.accepted == 3)
        let store = live.store
        let tickets = try await store.tickets(matching: TicketFilter())
        #expect(Set(tickets.map(\.rule)) == ["bin-full", "care-sos"])
        #expect(tickets.first { $0.rule == "bin-full" }?.occurrences == 2)
        #expect(try await store.engineState(key: InboxJournal.appliedStateKey) == Array("3".utf8))
        try await live.stop()
    }

    @Test("the journal position is committed with each batch, so a clean restart replays nothing")
    func positionCommittedWithBatch() async throws {
        let live = try await LiveDaemon.start()
        try await live.publishAndWait(events: TestEvents.fill(count: 40, prefix: "position"))
        try await LiveDaemon.waitUntil("the backlog is empty") { live.status.ingestBacklog == 0 }
        #expect(try await live.store.engineState(key: InboxJournal.appliedStateKey) == Array("40".utf8))
        #expect(live.status.journalFailures == 0)

        try await live.restart()
        #expect(live.status.journalReplayed == 0)
        try await live.publishAndWait(events: TestEvents.fill(count: 2, prefix: "after"))
        #expect(try await live.store.engineState(key: InboxJournal.appliedStateKey) == Array("42".utf8))
        #expect(try await live.seenIDs().count == 42)
        try await live.stop()
    }

    @Test("replaying journal records that were already applied has no second effect")
    func replayOfAppliedRecordsIsHarmless() async throws {
        let live = try await LiveDaemon.start()
        try await live.publishAndWait(events: TestEvents.fill(count: 30, prefix: "twice"))
        let before = try await live.store.tickets(matching: TicketFilter())
        try await live.stopDaemon()

        // As if the position had not been committed: the journal still holds all 30 records.
        do {
            let store = try TicketStore(path: live.databasePath)
            try await store.commit(IngestBatch(engineState: [InboxJournal.appliedStateKey: Array("0".utf8)]))
            try store.close()
        }
        try await live.startDaemon()
        #expect(live.status.journalReplayed == 30)
        #expect(live.status.duplicates == 30)
        #expect(live.status.accepted == 0)
        let after = try await live.store.tickets(matching: TicketFilter())
        #expect(after.map(\.occurrences) == before.map(\.occurrences))
        #expect(after.map(\.id) == before.map(\.id))
        try await live.stop()
    }

    @Test("the persisted de-duplication memory stays near its capacity while running and after a restart")
    func seenEventsStayBounded() async throws {
        let live = try await LiveDaemon.start { configuration in
            configuration.deduplicationCapacity = 40
            configuration.batchSize = 10
        }
        let events = TestEvents.fill(count: 400, prefix: "bounded")
        try await live.publishAndWait(events: events)
        try await LiveDaemon.waitUntil("the backlog is empty") { live.status.ingestBacklog == 0 }
        let whileRunning = try await live.seenIDs()
        // One commit holds at most this many events (more than a batch while the previous commit is written).
        let largestCommit = CommitSchedule.backlogBatches * 10
        #expect(whileRunning.count <= 2 * 40 + largestCommit + 10)
        // The newest events are always kept: a redelivery of one of them is still recognised.
        #expect(Set(whileRunning).isSuperset(of: events.suffix(40).map(\.id)))

        try await live.restart()
        let afterRestart = try await live.seenIDs()
        // Whole commits are kept: the newest 40 events and at most the rest of the oldest commit.
        #expect((40..<(40 + largestCommit)).contains(afterRestart.count))
        #expect(Set(afterRestart) == Set(events.suffix(afterRestart.count).map(\.id)))
        try await live.publish(events: Array(events.suffix(5)))
        try await LiveDaemon.waitUntil("the 5 redeliveries are handled") { live.status.duplicates == 5 }
        #expect(live.status.accepted == 0)
        try await live.stop()
    }
}
