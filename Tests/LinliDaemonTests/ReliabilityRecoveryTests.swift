import Foundation
import LinliCore
import LinliDaemon
import Logging
import TestSupport
import Testing
import TicketStore

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
        defer { directory.remove() }
        let configuration = Reliability.configuration(brokerURL: broker.url, directory: directory)
        // What the receive hook wrote for three acknowledged messages before the process died.
        let now = WallClock.now()
        let lost: [Event] = [
            Event(id: "crash-1", site: "zijing", device: "ZJ-B03-K", type: .binFill, time: now, data: EventData(fillPct: 93)),
            Event(id: "crash-2", site: "zijing", device: "ZJ-B03-K", type: .binFill, time: now + .seconds(1), data: EventData(fillPct: 96)),
            Event(id: "crash-3", site: "zijing", device: "ZJ-C-0012", type: .careSOS, time: now, data: EventData(resident: "R-0012")),
        ]
        do {
            let journal = try InboxJournal(
                configuration: configuration.journalConfiguration,
                appliedThrough: 0,
                logger: Reliability.quietLogger()
            )
            for event in lost {
                try journal.append(topic: event.topic, payload: event.payload(), receivedAt: now)
            }
            journal.close()
        }

        let running = try await RunningDaemon.startConnected(configuration)
        #expect(running.status.journalReplayed == 3)
        #expect(running.status.accepted == 3)
        let store = running.daemon.store
        let tickets = try await store.tickets(matching: TicketFilter())
        #expect(Set(tickets.map(\.rule)) == ["bin-full", "care-sos"])
        #expect(tickets.first { $0.rule == "bin-full" }?.occurrences == 2)
        #expect(try await store.engineState(key: InboxJournal.appliedStateKey) == Array("3".utf8))
        try await running.stop()
        await broker.stop()
    }

    @Test("the journal position is committed with each batch, so a clean restart replays nothing")
    func positionCommittedWithBatch() async throws {
        let broker = try await MosquittoBroker.start()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configuration = Reliability.configuration(brokerURL: broker.url, directory: directory)
        let events = Reliability.fillEvents(count: 40, prefix: "position")

        let first = try await RunningDaemon.startConnected(configuration)
        try await Reliability.publish(Reliability.messages(events), to: broker.url)
        try await Reliability.waitUntil("40 events are applied") { first.status.accepted == 40 }
        try await Reliability.waitUntil("the backlog is empty") { first.status.ingestBacklog == 0 }
        #expect(try await first.daemon.store.engineState(key: InboxJournal.appliedStateKey) == Array("40".utf8))
        #expect(first.status.journalFailures == 0)
        try await first.stop()

        let second = try await RunningDaemon.startConnected(configuration)
        #expect(second.status.journalReplayed == 0)
        try await Reliability.publish(Reliability.messages(Reliability.fillEvents(count: 2, prefix: "after")), to: broker.url)
        try await Reliability.waitUntil("2 more events are applied") { second.status.accepted == 2 }
        #expect(try await second.daemon.store.engineState(key: InboxJournal.appliedStateKey) == Array("42".utf8))
        #expect(try await Reliability.seenIDs(second.daemon.store).count == 42)
        try await second.stop()
        await broker.stop()
    }

    @Test("replaying journal records that were already applied has no second effect")
    func replayOfAppliedRecordsIsHarmless() async throws {
        let broker = try await MosquittoBroker.start()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configuration = Reliability.configuration(brokerURL: broker.url, directory: directory)
        let events = Reliability.fillEvents(count: 30, prefix: "twice")

        let first = try await RunningDaemon.startConnected(configuration)
        try await Reliability.publish(Reliability.messages(events), to: broker.url)
        try await Reliability.waitUntil("30 events are applied") { first.status.accepted == 30 }
        let before = try await first.daemon.store.tickets(matching: TicketFilter())
        try await first.stop()

        // As if the position had not been committed: the journal still holds all 30 records.
        do {
            let store = try TicketStore(path: configuration.databasePath)
            try await store.commit(IngestBatch(engineState: [InboxJournal.appliedStateKey: Array("0".utf8)]))
            try store.close()
        }
        let second = try await RunningDaemon.startConnected(configuration)
        #expect(second.status.journalReplayed == 30)
        #expect(second.status.duplicates == 30)
        #expect(second.status.accepted == 0)
        let after = try await second.daemon.store.tickets(matching: TicketFilter())
        #expect(after.map(\.occurrences) == before.map(\.occurrences))
        #expect(after.map(\.id) == before.map(\.id))
        try await second.stop()
        await broker.stop()
    }

    @Test("the persisted de-duplication memory stays near its capacity while running and after a restart")
    func seenEventsStayBounded() async throws {
        let broker = try await MosquittoBroker.start()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var configuration = Reliability.configuration(brokerURL: broker.url, directory: directory)
        configuration.deduplicationCapacity = 40
        configuration.batchSize = 10

        let first = try await RunningDaemon.startConnected(configuration)
        let events = Reliability.fillEvents(count: 400, prefix: "bounded")
        try await Reliability.publish(Reliability.messages(events), to: broker.url)
        try await Reliability.waitUntil("400 events are applied") { first.status.accepted == 400 }
        try await Reliability.waitUntil("the backlog is empty") { first.status.ingestBacklog == 0 }
        let whileRunning = try await Reliability.seenIDs(first.daemon.store)
        #expect(whileRunning.count <= 2 * 40 + 10 + 10)
        // The newest events are always kept: a redelivery of one of them is still recognised.
        #expect(Set(whileRunning).isSuperset(of: events.suffix(40).map(\.id)))
        try await first.stop()

        let second = try await RunningDaemon.startConnected(configuration)
        let afterRestart = try await Reliability.seenIDs(second.daemon.store)
        #expect(afterRestart.count == 40)
        #expect(Set(afterRestart) == Set(events.suffix(40).map(\.id)))
        try await Reliability.publish(Reliability.messages(Array(events.suffix(5))), to: broker.url)
        try await Reliability.waitUntil("the 5 redeliveries are handled") { second.status.duplicates == 5 }
        #expect(second.status.accepted == 0)
        try await second.stop()
        await broker.stop()
    }
}
