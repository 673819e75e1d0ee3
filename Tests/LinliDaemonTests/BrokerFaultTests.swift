import Foundation
import LinliCore
import LinliDaemon
import Mosquitto
import Synchronization
import TestSupport
import Testing
import TicketStore

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("Broker faults and overload: reconnect, nothing lost at QoS 1, bounded backlog", .serialized, .timeLimit(.minutes(2)))
struct BrokerFaultTests {
    /// Samples the daemon's status every 10 ms until cancelled: whether it was ever seen disconnected, and the
    /// largest backlog seen.
    final class StatusSampler: Sendable {
        /// What was seen, shared with the sampling task.
        final class Observations: Sendable {
            let state = Mutex((sawDisconnected: false, maximumBacklog: 0, maximumLag: Int64(0)))
        }

        private let observations = Observations()
        private let task: Task<Void, Never>

        init(_ status: DaemonStatus) {
            let observations = self.observations
            task = Task {
                while !Task.isCancelled {
                    let snapshot = status.snapshot
                    observations.state.withLock { state in
                        state.sawDisconnected = state.sawDisconnected || !snapshot.brokerConnected
                        state.maximumBacklog = max(state.maximumBacklog, snapshot.ingestBacklog)
                        state.maximumLag = max(state.maximumLag, snapshot.ingestLagMilliseconds)
                    }
                    try? await Task.sleep(for: .milliseconds(10))
                }
            }
        }

        var sawDisconnected: Bool { observations.state.withLock { $0.sawDisconnected } }
        var maximumBacklog: Int { observations.state.withLock { $0.maximumBacklog } }
        var maximumLag: Int64 { observations.state.withLock { $0.maximumLag } }

        func stop() {
            task.cancel()
        }
    }

    @Test("a broker restarted mid-stream: the daemon reconnects, says it was disconnected, and applies every event once")
    func brokerRestartLosesNothing() async throws {
        let broker = try await MosquittoBroker.start(persistence: true)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var configuration = Reliability.configuration(brokerURL: broker.url, directory: directory)
        // A small buffer and batch: most of the first burst is still queued at the broker when it stops.
        configuration.mqtt.inboundCapacity = 32
        configuration.batchSize = 16
        let running = try await RunningDaemon.startConnected(configuration)
        let sampler = StatusSampler(running.daemon.status)
        defer { sampler.stop() }

        let before = Reliability.fillEvents(count: 3000, prefix: "before")
        try await Reliability.publish(Reliability.messages(before), to: broker.url)
        try await broker.restart()
        try await Reliability.waitUntil("the daemon has reconnected") { running.status.brokerConnected }
        let after = Reliability.fillEvents(count: 1000, prefix: "after", start: WallClock.now() + .seconds(5))
        try await Reliability.publish(Reliability.messages(after), to: broker.url)

        try await Reliability.waitUntil("all 4000 events are applied", timeout: .seconds(60)) { running.status.accepted == 4000 }
        #expect(sampler.sawDisconnected, "the health status never showed the broker as disconnected")
        let seen = try await Reliability.seenIDs(running.daemon.store)
        #expect(seen.count == 4000)
        #expect(Set(seen) == Set((before + after).map(\.id)))
        #expect(running.status.rejected == 0)
        let tickets = try await running.daemon.store.tickets(matching: TicketFilter(rule: "bin-full"))
        #expect(tickets.map(\.occurrences).reduce(0, +) == 400, "every tenth event is a bin-full trigger, applied once")
        try await running.stop()
        await broker.stop()
    }

    /// The HTTP status of `GET {base}/healthz`.
    static func healthStatus(_ base: String) async throws -> Int {
        let url = try #require(URL(string: base + "/healthz"))
        let (_, response) = try await URLSession.shared.data(from: url)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    @Test("while the broker is down the daemon keeps running and /healthz reports the broker as disconnected")
    func healthShowsOutage() async throws {
        let broker = try await MosquittoBroker.start(persistence: true)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var configuration = Reliability.configuration(brokerURL: broker.url, directory: directory)
        configuration.http.enabled = true
        configuration.http.address = "127.0.0.1:0"
        let running = try await RunningDaemon.startConnected(configuration)
        let http = try await running.daemon.endpoints.waitForHTTP()
        #expect(try await Self.healthStatus(http) == 200)
        await broker.stop()
        try await Reliability.waitUntil("the daemon reports the broker down") { !running.status.brokerConnected }
        try await Task.sleep(for: .milliseconds(1500))
        #expect(!running.status.brokerConnected)
        #expect(try await Self.healthStatus(http) == 503)
        #expect(!running.task.isCancelled)
        try await broker.restart()
        try await Reliability.waitUntil("the daemon reconnects", timeout: .seconds(40)) { running.status.brokerConnected }
        #expect(try await Self.healthStatus(http) == 200)
        try await Reliability.publish(Reliability.messages(Reliability.fillEvents(count: 5, prefix: "back")), to: broker.url)
        try await Reliability.waitUntil("events flow again") { running.status.accepted == 5 }
        try await running.stop()
        await broker.stop()
    }

    @Test("a flood faster than processing: the backlog stays bounded by the buffer, is visible, and nothing is dropped")
    func overloadIsBoundedAndVisible() async throws {
        let broker = try await MosquittoBroker.start()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var configuration = Reliability.configuration(brokerURL: broker.url, directory: directory)
        configuration.mqtt.inboundCapacity = 8
        configuration.batchSize = 4
        let running = try await RunningDaemon.startConnected(configuration)
        let sampler = StatusSampler(running.daemon.status)
        defer { sampler.stop() }

        let flood = Reliability.fillEvents(count: 2000, prefix: "flood")
        try await Reliability.publish(Reliability.messages(flood), to: broker.url)
        try await Reliability.waitUntil("every flooded event is applied", timeout: .seconds(90)) { running.status.accepted == 2000 }
        try await Reliability.waitUntil("the backlog drains") { running.status.ingestBacklog == 0 }
        #expect(sampler.maximumBacklog > 0, "the backlog was never visible")
        // Journaled but not committed: the buffer, a batch in the session and one handed over behind it, and one
        // message on the blocked network thread.
        #expect(sampler.maximumBacklog <= 8 + 2 * 4 + 1)
        #expect(running.status.journalFailures == 0)
        #expect(try await Reliability.seenIDs(running.daemon.store).count == 2000)
        try await running.stop()
        await broker.stop()
    }
}
