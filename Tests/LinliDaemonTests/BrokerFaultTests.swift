import Foundation
import LinliCore
import Mosquitto
import Synchronization
import TestSupport
import Testing
import TicketStore

@testable import LinliDaemon

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("Broker faults and overload: reconnect, nothing lost at QoS 1, bounded backlog", .serialized, .timeLimit(.minutes(2)))
struct BrokerFaultTests {
    /// Samples the daemon's status every 10 ms until cancelled: the largest backlog and lag seen.
    final class StatusSampler: Sendable {
        /// What was seen, shared with the sampling task.
        final class Observations: Sendable {
            let state = Mutex((maximumBacklog: 0, maximumLag: Int64(0)))
        }

        private let observations = Observations()
        private let task: Task<Void, Never>

        init(_ status: DaemonStatus) {
            let observations = self.observations
            task = Task {
                while !Task.isCancelled {
                    let snapshot = status.snapshot
                    observations.state.withLock { state in
                        state.maximumBacklog = max(state.maximumBacklog, snapshot.ingestBacklog)
                        state.maximumLag = max(state.maximumLag, snapshot.ingestLagMilliseconds)
                    }
                    try? await Task.sleep(for: .milliseconds(10))
                }
            }
        }

        var maximumBacklog: Int { observations.state.withLock { $0.maximumBacklog } }
        var maximumLag: Int64 { observations.state.withLock { $0.maximumLag } }

        func stop() {
            task.cancel()
        }
    }

    /// Starts a daemon with a small buffer and batch on `broker`, and a sampler of its status.
    static func startSampled(
        broker: MosquittoBroker,
        inboundCapacity: Int,
        batchSize: Int
    ) async throws -> (LiveDaemon, StatusSampler) {
        let live = try await LiveDaemon.start(broker: broker) { configuration in
            configuration.mqtt.inboundCapacity = inboundCapacity
            configuration.batchSize = batchSize
        }
        return (live, StatusSampler(live.daemon.status))
    }

    @Test("a broker restarted mid-stream: the daemon reconnects, says it was disconnected, and applies every event once")
    func brokerRestartLosesNothing() async throws {
        // A small buffer and batch: most of the first burst is still queued at the broker when it stops.
        let (live, sampler) = try await Self.startSampled(
            broker: try await MosquittoBroker.start(persistence: true),
            inboundCapacity: 32,
            batchSize: 16
        )
        defer { sampler.stop() }

        let before = TestEvents.fill(count: 3000, prefix: "before")
        try await live.publish(events: before)
        try await live.broker.restart()
        try await LiveDaemon.waitUntil("the daemon has reconnected") { live.status.brokerConnected }
        let after = TestEvents.fill(count: 1000, prefix: "after", start: WallClock.now() + .seconds(5))
        try await live.publishAndWait(events: after, accepted: 4000, timeout: .seconds(60))
        #expect(live.status.brokerDisconnects >= 1, "the status never counted the broker's disconnection")
        let seen = try await live.seenIDs()
        #expect(seen.count == 4000)
        #expect(Set(seen) == Set((before + after).map(\.id)))
        #expect(live.status.rejected == 0)
        let tickets = try await live.store.tickets(matching: TicketFilter(rule: "bin-full"))
        #expect(tickets.map(\.occurrences).reduce(0, +) == 400, "every tenth event is a bin-full trigger, applied once")
        try await live.stop()
    }

    /// The HTTP status of `GET {base}/healthz`.
    static func healthStatus(_ base: String) async throws -> Int {
        let url = try #require(URL(string: base + "/healthz"))
        let (_, response) = try await URLSession.shared.data(from: url)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    @Test("while the broker is down the daemon keeps running and /healthz reports the broker as disconnected")
    func healthShowsOutage() async throws {
        let live = try await LiveDaemon.start(http: true, broker: try await MosquittoBroker.start(persistence: true))
        let http = live.url
        #expect(try await Self.healthStatus(http) == 200)
        await live.broker.stop()
        try await LiveDaemon.waitUntil("the daemon reports the broker down") { !live.status.brokerConnected }
        try await Task.sleep(for: .milliseconds(1500))
        #expect(!live.status.brokerConnected)
        #expect(try await Self.healthStatus(http) == 503)
        #expect(!live.task.isCancelled)
        try await live.broker.restart()
        try await LiveDaemon.waitUntil("the daemon reconnects", timeout: .seconds(40)) { live.status.brokerConnected }
        #expect(try await Self.healthStatus(http) == 200)
        try await live.publishAndWait(events: TestEvents.fill(count: 5, prefix: "back"))
        try await live.stop()
    }

    @Test("a flood faster than processing: the backlog stays bounded by the buffer, is visible, and nothing is dropped")
    func overloadIsBoundedAndVisible() async throws {
        let (live, sampler) = try await Self.startSampled(
            broker: try await MosquittoBroker.start(),
            inboundCapacity: 8,
            batchSize: 4
        )
        defer { sampler.stop() }

        try await live.publishAndWait(events: TestEvents.fill(count: 2000, prefix: "flood"), timeout: .seconds(90))
        try await LiveDaemon.waitUntil("the backlog drains") { live.status.ingestBacklog == 0 }
        #expect(sampler.maximumBacklog > 0, "the backlog was never visible")
        // Journaled but not committed, at most: the transaction being written and the one waiting for it (each
        // up to a backlog of batches, crossed by less than one batch), the buffer, a batch the input merge
        // already took from it, and one message on the blocked network thread.
        let largestCommit = CommitSchedule.backlogBatches * 4 + 4 - 1
        #expect(sampler.maximumBacklog <= 2 * largestCommit + 8 + 4 + 1)
        #expect(live.status.journalFailures == 0)
        #expect(try await live.seenIDs().count == 2000)
        try await live.stop()
    }
}
