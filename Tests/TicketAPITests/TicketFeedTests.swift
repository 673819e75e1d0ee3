import AsyncHTTPClient
import Foundation
import LinliCore
import NIOCore
import NIOHTTP1
import TestSupport
import Testing
import TicketStore

@testable import LinliDaemon

@Suite(
    "The MQTT ticket feed, observed by real subscribers on a real broker",
    .serialized,
    .timeLimit(.minutes(1))
)
struct TicketFeedTests {
    @Test("each change is published retained as the contract JSON, then cleared after resolution")
    func publishesAndClears() async throws {
        let live = try await LiveDaemon.startWithAPI(clearAfter: .seconds(4))
        let topic = "linli/v1/zijing/tickets/T-000001"
        try await FeedSubscriber.with(brokerURL: live.broker.url) { subscriber in
            try await live.publish(events: [TestEvents.event(.gateForced, device: "ZJ-G01")])
            try await subscriber.waitUntil("the opened ticket is published") {
                $0.contains { $0.topic == topic && $0.ticket?.status == .open }
            }
            let opened = try #require(subscriber.messages(on: topic).first?.ticket)
            #expect(opened.rule == "gate-forced")
            #expect(opened.history.map(\.action) == [.opened])
            let stored = try #require(try await live.daemon.store.ticket(id: "T-000001"))
            #expect(opened == stored)

            var request = HTTPClientRequest(url: live.url + "/api/v1/tickets/T-000001/ack")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(APIFixtures.opsSecret)")
            let ack = try await TestServer.client.execute(request, timeout: .seconds(10))
            #expect(ack.status.code == 200)
            try await subscriber.waitUntil("the acknowledgement is published") {
                $0.contains { $0.topic == topic && $0.ticket?.status == .acknowledged }
            }
            let late = try await FeedSubscriber.retained(on: topic, brokerURL: live.broker.url)
            #expect(late.count == 1)
            #expect(late.first?.ticket?.status == .acknowledged)
            #expect(late.first?.ticket?.history.last?.actor == "api:ops")

            _ = try await live.daemon.store.resolve(id: "T-000001", actor: "cli:test", at: WallClock.now(), note: "shut")
            try await subscriber.waitUntil("a resolution made outside the API is published") {
                $0.contains { $0.topic == topic && $0.ticket?.status == .resolved }
            }
            try await subscriber.waitUntil("the retained message is cleared", timeout: .seconds(10)) {
                $0.last { $0.topic == topic }?.payload.isEmpty == true
            }
        }
        #expect(try await FeedSubscriber.retained(on: topic, brokerURL: live.broker.url).isEmpty)
        #expect(live.daemon.metrics.exposition().contains("linli_feed_cleared_total 1"))
        try await live.stop()
    }

    @Test("a clear that fell due while the daemon was down happens when it is back")
    func clearSurvivesRestart() async throws {
        let broker = try await MosquittoBroker.start()
        let directory = try TemporaryDirectory()
        let topic = "linli/v1/zijing/tickets/T-000001"
        // The first daemon would clear after a minute; it is stopped long before. The second is configured
        // to clear a second after resolution, which by then has long passed: only what the first saved can
        // tell it that this retained message is still up.
        let first = try await LiveDaemon.startWithAPI(broker: broker, directory: directory, clearAfter: .seconds(60))
        try await first.publish(events: [TestEvents.event(.gateForced, device: "ZJ-G01")])
        try await LiveDaemon.waitUntil("the ticket is stored") {
            try await first.daemon.store.ticket(id: "T-000001") != nil
        }
        _ = try await first.daemon.store.resolve(id: "T-000001", actor: "cli:test", at: WallClock.now(), note: nil)
        try await LiveDaemon.waitUntil("the resolution is published") {
            let retained = try await FeedSubscriber.retained(on: topic, brokerURL: broker.url, wait: .milliseconds(100))
            return retained.first?.ticket?.status == .resolved
        }
        try await first.stop(keepingBroker: true, keepingFiles: true)

        let reopened = try TicketStore(path: first.databasePath)
        let stored = try #require(try await reopened.engineState(key: TicketFeed.stateKey))
        try reopened.close()
        #expect(String(decoding: stored, as: UTF8.self).contains(#""id":"T-000001""#))
        #expect(try await FeedSubscriber.retained(on: topic, brokerURL: broker.url).first?.ticket?.status == .resolved)

        let second = try await LiveDaemon.startWithAPI(broker: broker, directory: directory, clearAfter: .seconds(1))
        try await LiveDaemon.waitUntil("the retained message is cleared after the restart", timeout: .seconds(20)) {
            try await FeedSubscriber.retained(on: topic, brokerURL: broker.url, wait: .milliseconds(300)).isEmpty
        }
        try await second.stop()
    }

    @Test("the schedule publishes, reschedules on reopen, clears when due, and reads back what it saved")
    func schedule() throws {
        let now = APIFixtures.now
        var open = APIFixtures.tickets()[0]
        var resolved = open
        resolved.status = .resolved
        resolved.resolvedAt = now - .seconds(10)
        var schedule = FeedSchedule(stored: nil, clearAfter: .seconds(60))
        #expect(Self.describe(schedule.take([open], upTo: 1, now: now)) == ["publish T-000001"])
        #expect(Self.describe(schedule.take([resolved], upTo: 2, now: now)) == ["publish T-000001"])
        #expect(schedule.dueClears(now: now + .seconds(49)).isEmpty)
        open.updatedAt = now
        #expect(Self.describe(schedule.take([open], upTo: 3, now: now + .seconds(5))) == ["publish T-000001"])
        #expect(schedule.dueClears(now: now + .seconds(100)).isEmpty)
        #expect(Self.describe(schedule.take([resolved], upTo: 4, now: now)) == ["publish T-000001"])
        let restored = FeedSchedule(stored: schedule.encoded(), clearAfter: .seconds(60))
        #expect(restored.revision == 4)
        var copy = restored
        #expect(Self.describe(copy.dueClears(now: now + .seconds(50))) == ["clear linli/v1/zijing/tickets/T-000001"])
        var old = resolved
        old.resolvedAt = now - .seconds(3600)
        var fresh = FeedSchedule(stored: nil, clearAfter: .seconds(60))
        #expect(fresh.take([old], upTo: 1, now: now).isEmpty)
        #expect(Self.describe(fresh.take([old], upTo: 2, now: now)) == ["clear linli/v1/zijing/tickets/T-000001"])
    }

    /// `publish T-000001` or `clear TOPIC` per action.
    static func describe(_ actions: [FeedSchedule.Action]) -> [String] {
        actions.map { action in
            switch action {
            case .publish(_, let ticket): "publish \(ticket.id)"
            case .clear(let topic): "clear \(topic)"
            }
        }
    }
}
