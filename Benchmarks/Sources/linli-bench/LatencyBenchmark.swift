import Foundation
import Histogram
import LinliCore
import LinliDaemon
import Logging
import Mosquitto
import ServiceLifecycle
import Synchronization
import TestSupport
import TicketStore

/// `latency`: publish at a fixed rate and measure, per ticket-raising event, from just before the publish call to
/// just after the store transaction that holds its ticket committed (`synchronous = FULL`), with the daemon's
/// ingest pipeline in-process and its commit callback as the probe. Percentiles from an HdrHistogram.
///
/// Two passes through one daemon, each at the same rate:
/// - **community**: the everyday traffic of the scaled fleet (heartbeats, fill levels, gate passages, care
///   motion…), with one event in ``ticketShare`` replaced by one that raises a ticket (`bin-full` on a distinct
///   bin, then `gate-forced` on a distinct gate); the latency of those events.
/// - **storm**: every event raises a new ticket, so the store inserts thousands of tickets a second (the
///   worst case, far beyond what a community produces).
struct LatencyBenchmark {
    let settings: BenchSettings
    let fleet: BenchFleet
    /// One event in this many raises a ticket in the community pass.
    static let ticketShare = 25

    /// What a pass publishes.
    enum Pass: String {
        case community, storm
    }

    /// Send times by event number, and the latencies of the events whose ticket was committed.
    final class Recorder: Sendable {
        struct State {
            var sent: [UInt64]
            var histogram = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
            /// How long each store transaction took (µs), every batch of the pass.
            var commits = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
            var recorded = 0
        }

        let state: Mutex<State>

        init(count: Int) {
            state = Mutex(State(sent: Array(repeating: 0, count: count)))
        }

        func sending(_ index: Int) {
            let now = Machine.nanoseconds()
            state.withLock { $0.sent[index] = now }
        }

        /// The commit callback: every ticket opened or added to by a latency event is done.
        func committed(_ output: ProcessorOutput, transaction: Duration) {
            let now = Machine.nanoseconds()
            state.withLock { state in
                _ = state.commits.record(UInt64(max(0, transaction.nanoseconds / 1000)))
                for update in output.updates {
                    guard let id = update.ticket.evidence.last, id.hasPrefix("l"), let index = Int(id.dropFirst()),
                        index < state.sent.count, state.sent[index] > 0
                    else { continue }
                    _ = state.histogram.record((now - state.sent[index]) / 1000)
                    state.sent[index] = 0
                    state.recorded += 1
                }
            }
        }

        var recorded: Int { state.withLock { $0.recorded } }

        /// Waits until `count` tickets were recorded since the last reset, for at most a minute.
        func waitFor(_ count: Int) async throws {
            let deadline = Machine.nanoseconds() + 60 * 1_000_000_000
            while recorded < count {
                guard Machine.nanoseconds() < deadline else {
                    throw BenchError("only \(recorded) of \(count) latency events reached a committed ticket")
                }
                try await Task.sleep(for: .milliseconds(10))
            }
        }

        /// Forgets what was recorded (after the warm-up).
        func reset() {
            state.withLock { state in
                state.histogram.reset()
                state.commits.reset()
                state.recorded = 0
            }
        }
        var histogram: Histogram<UInt64> { state.withLock { $0.histogram } }
        var commits: Histogram<UInt64> { state.withLock { $0.commits } }
    }

    func run() async throws -> [Figure] {
        let sites = settings.work + "/sites"
        try fleet.writeSiteFiles(to: sites)
        let broker = try await BenchBroker.start()
        let perPass = Int(settings.latencyRate * settings.latencySeconds)
        let tickets = perPass / Self.ticketShare + perPass
        let targets = fleet.members.filter { $0.kind == .bin } + fleet.members.filter { $0.kind == .gate }
        guard targets.count > tickets else { throw BenchError("only \(targets.count) bins and gates for \(tickets) tickets") }

        var configuration = DaemonConfiguration()
        configuration.mqtt.url = broker.url
        configuration.mqtt.clientID = "bench-latency"
        configuration.databasePath = settings.work + "/latency.sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: configuration.databasePath + suffix) }
        try? FileManager.default.removeItem(atPath: configuration.databasePath + ".inbox")
        configuration.sitesDirectory = sites
        configuration.rulesDirectory = settings.rulesDirectory
        configuration.http.enabled = false
        configuration.feed.enabled = false
        let logger = BenchBroker.quietLogger
        let daemon = try await Daemon(configuration: configuration, logger: logger)
        // One more ticket than measured: the first, a warm-up, waits until its ticket is committed (the first
        // events start the watching of every device, a one-off cost), then the histogram is reset.
        let recorder = Recorder(count: tickets + 1)
        let pipeline = IngestPipeline(
            configuration: configuration,
            store: daemon.store,
            status: daemon.status,
            logger: logger,
            makeSession: { try await daemon.makeSession() },
            onCommit: { output, duration in recorder.committed(output, transaction: duration) }
        )
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [ServiceGroupConfiguration.ServiceConfiguration(service: pipeline)],
                logger: logger
            )
        )
        let running = Task { try await group.run() }
        while !daemon.status.snapshot.brokerConnected { try await Task.sleep(for: .milliseconds(10)) }

        var publisher = try MQTTConfiguration(url: broker.url)
        publisher.clientID = "bench-latency-publisher"
        publisher.maxInflight = 256
        var figures: [Figure] = []
        do {
            try await MQTTClient.withClient(configuration: publisher, logger: logger) { client in
                var source = EventSource(targets: targets, fleet: fleet)
                let warmUp = source.ticketEvent(tickets)
                recorder.sending(tickets)
                try await client.publish(topic: warmUp.topic, payload: warmUp.payload(), qos: .atLeastOnce)
                try await recorder.waitFor(1)
                for pass in [Pass.community, .storm] {
                    recorder.reset()
                    let expected = pass == .community ? perPass / Self.ticketShare : perPass
                    BenchSettings.note("latency: \(pass.rawValue), \(perPass) events at \(Int(settings.latencyRate))/s, \(expected) tickets")
                    let seconds = try await publish(pass, count: perPass, source: &source, client: client, recorder: recorder)
                    try await recorder.waitFor(expected)
                    figures += Self.figures(pass, recorder: recorder, events: perPass, rate: settings.latencyRate, seconds: seconds)
                }
            }
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await running.value
            throw error
        }
        await group.triggerGracefulShutdown()
        try await running.value
        try daemon.store.close()
        await broker.broker.stop()
        return figures
    }

    /// Publishes `count` events of `pass` at the configured rate; returns how long publishing took.
    private func publish(
        _ pass: Pass,
        count: Int,
        source: inout EventSource,
        client: MQTTClient,
        recorder: Recorder
    ) async throws -> Double {
        let rate = settings.latencyRate
        let began = Machine.nanoseconds()
        var next = 0
        while next < count {
            let elapsed = Double(Machine.nanoseconds() - began)
            let due = min(count, Int(elapsed * rate / 1e9) + 1)
            while next < due {
                let event: Event
                if pass == .storm || next % Self.ticketShare == Self.ticketShare - 1 {
                    let index = source.takeTicketNumber()
                    event = source.ticketEvent(index)
                    recorder.sending(index)
                } else {
                    event = source.everydayEvent()
                }
                try await client.publish(topic: event.topic, payload: event.payload(), qos: .atLeastOnce)
                next += 1
            }
            let wake = began + UInt64((Double(next) * 1e9 / rate).rounded(.up))
            let now = Machine.nanoseconds()
            if wake > now { try await Task.sleep(for: .nanoseconds(Int64(wake - now))) }
        }
        let seconds = Double(Machine.nanoseconds() - began) / 1e9
        try await client.flush()
        return seconds
    }

    /// The figures of one pass.
    private static func figures(_ pass: Pass, recorder: Recorder, events: Int, rate: Double, seconds: Double) -> [Figure] {
        let histogram = recorder.histogram
        let commits = recorder.commits
        let prefix = pass == .community ? "latency" : "latency.storm"
        let what =
            pass == .community
            ? "everyday community traffic, one event in \(ticketShare) raising a ticket (\(Figure.grouped(recorder.recorded)) tickets)"
            : "every event raising a new ticket (\(Figure.grouped(recorder.recorded)) tickets)"
        let detail =
            "\(Figure.grouped(events)) events at \(Figure.grouped(Int(rate)))/s "
            + "(achieved \(Figure.grouped(Int(Double(events) / seconds)))/s), QoS 1, \(what), publish to ticket committed"
        func milliseconds(_ microseconds: UInt64) -> Double { Double(microseconds) / 1000 }
        return [
            Figure(name: prefix + ".p50_ms", value: milliseconds(histogram.valueAtPercentile(50)), unit: "ms", detail: detail),
            Figure(name: prefix + ".p99_ms", value: milliseconds(histogram.valueAtPercentile(99)), unit: "ms", detail: "target <= 5"),
            Figure(name: prefix + ".p999_ms", value: milliseconds(histogram.valueAtPercentile(99.9)), unit: "ms", detail: ""),
            Figure(name: prefix + ".max_ms", value: milliseconds(histogram.max), unit: "ms", detail: ""),
            Figure(
                name: prefix + ".commit_p50_ms",
                value: milliseconds(commits.valueAtPercentile(50)),
                unit: "ms",
                detail: "one store transaction (a batch, synced), \(Figure.grouped(Int(commits.totalCount))) of them"
            ),
            Figure(name: prefix + ".commit_p99_ms", value: milliseconds(commits.valueAtPercentile(99)), unit: "ms", detail: ""),
            Figure(name: prefix + ".commit_max_ms", value: milliseconds(commits.max), unit: "ms", detail: ""),
        ]
    }

    /// The events a run publishes: ticket-raising ones on distinct bins and gates, and the fleet's everyday
    /// traffic, all timed now.
    struct EventSource {
        let targets: [BenchFleet.Member]
        var everyday: TrafficGenerator
        private var nextTicket = 0

        init(targets: [BenchFleet.Member], fleet: BenchFleet) {
            self.targets = targets
            everyday = TrafficGenerator(fleet: fleet, start: WallClock.now(), seed: 11, incidents: false, idPrefix: "c")
        }

        /// The number of the next ticket-raising event.
        mutating func takeTicketNumber() -> Int {
            defer { nextTicket += 1 }
            return nextTicket
        }

        /// Ticket event `index` (`l{index}`): `bin-full` or `gate-forced` on the target of that number.
        func ticketEvent(_ index: Int) -> Event {
            let member = targets[index]
            return Event(
                id: "l\(index)",
                site: member.site,
                device: member.id,
                type: member.kind == .bin ? .binFill : .gateForced,
                time: WallClock.now(),
                data: member.kind == .bin ? EventData(fillPct: 95) : EventData()
            )
        }

        /// The fleet's next everyday event, timed now.
        mutating func everydayEvent() -> Event {
            var event = everyday.next()
            event.time = WallClock.now()
            return event
        }
    }
}
