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

/// `latency`: publish at a fixed rate, each event raising a ticket (`bin-full` on a distinct bin, then
/// `gate-forced` on a distinct gate), and measure, per event, from just before the publish call to just after
/// the store transaction that holds its ticket committed (`synchronous = FULL`), with the daemon's ingest
/// pipeline in-process and its commit callback as the probe. Percentiles from an HdrHistogram.
struct LatencyBenchmark {
    let settings: BenchSettings
    let fleet: BenchFleet

    /// Send times by event number, and the latencies of the events whose ticket was committed.
    final class Recorder: Sendable {
        struct State {
            var sent: [UInt64]
            var histogram = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
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
        func committed(_ output: ProcessorOutput) {
            let now = Machine.nanoseconds()
            state.withLock { state in
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

        /// Forgets what was recorded (after the warm-up).
        func reset() {
            state.withLock { state in
                state.histogram.reset()
                state.recorded = 0
            }
        }
        var histogram: Histogram<UInt64> { state.withLock { $0.histogram } }
    }

    func run() async throws -> [Figure] {
        let sites = settings.work + "/sites"
        try fleet.writeSiteFiles(to: sites)
        let broker = try await BenchBroker.start()
        let total = Int(settings.latencyRate * settings.latencySeconds)
        let targets = fleet.members.filter { $0.kind == .bin } + fleet.members.filter { $0.kind == .gate }
        guard targets.count > total else { throw BenchError("only \(targets.count) bins and gates for \(total) events") }

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
        // One more event than measured: the first, a warm-up, waits until its ticket is committed (the first
        // events start the watching of every device, a one-off cost), then the histogram is reset.
        let recorder = Recorder(count: total + 1)
        let pipeline = IngestPipeline(
            configuration: configuration,
            store: daemon.store,
            status: daemon.status,
            logger: logger,
            makeSession: { try await daemon.makeSession() },
            onCommit: { output, _ in recorder.committed(output) }
        )
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [ServiceGroupConfiguration.ServiceConfiguration(service: pipeline)],
                logger: logger
            )
        )
        let running = Task { try await group.run() }
        while !daemon.status.snapshot.brokerConnected { try await Task.sleep(for: .milliseconds(10)) }

        BenchSettings.note("latency: \(total) events at \(Int(settings.latencyRate))/s")
        var publisher = try MQTTConfiguration(url: broker.url)
        publisher.clientID = "bench-latency-publisher"
        publisher.maxInflight = 10_000
        let rate = settings.latencyRate
        func event(_ index: Int) -> Event {
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
        let publishSeconds = try await MQTTClient.withClient(configuration: publisher, logger: logger) { client in
            let warmUp = event(total)
            recorder.sending(total)
            try await client.publish(topic: warmUp.topic, payload: warmUp.payload(), qos: .atLeastOnce)
            while recorder.recorded == 0 { try await Task.sleep(for: .milliseconds(10)) }
            recorder.reset()
            let began = Machine.nanoseconds()
            var next = 0
            while next < total {
                let elapsed = Double(Machine.nanoseconds() - began)
                let due = min(total, Int(elapsed * rate / 1e9) + 1)
                while next < due {
                    let event = event(next)
                    let payload = event.payload()
                    recorder.sending(next)
                    try await client.publish(topic: event.topic, payload: payload, qos: .atLeastOnce)
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
        let deadline = Machine.nanoseconds() + 60 * 1_000_000_000
        while recorder.recorded < total, Machine.nanoseconds() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        await group.triggerGracefulShutdown()
        try await running.value
        try daemon.store.close()
        await broker.broker.stop()

        let histogram = recorder.histogram
        let recorded = recorder.recorded
        guard recorded == total else { throw BenchError("only \(recorded) of \(total) latency events reached a committed ticket") }
        let detail =
            "\(Figure.grouped(total)) events at \(Figure.grouped(Int(rate)))/s "
            + "(achieved \(Figure.grouped(Int(Double(total) / publishSeconds)))/s), QoS 1, publish to ticket committed"
        func milliseconds(_ microseconds: UInt64) -> Double { Double(microseconds) / 1000 }
        return [
            Figure(name: "latency.p50_ms", value: milliseconds(histogram.valueAtPercentile(50)), unit: "ms", detail: detail),
            Figure(name: "latency.p99_ms", value: milliseconds(histogram.valueAtPercentile(99)), unit: "ms", detail: "target <= 5"),
            Figure(name: "latency.p999_ms", value: milliseconds(histogram.valueAtPercentile(99.9)), unit: "ms", detail: ""),
            Figure(name: "latency.max_ms", value: milliseconds(histogram.max), unit: "ms", detail: ""),
        ]
    }
}
