import Foundation
import LinliCore
import LinliDaemon
import Logging
import Mosquitto
import ServiceLifecycle
import TestSupport

/// `ingest`: end to end through a real local mosquitto. For QoS 0 and QoS 1: persistent sessions are
/// registered, N events are published once (so every session holds the same queue), then each consumer
/// drains its queue alone, timed from its start until it has all N: `mosquitto_sub` (to `/dev/null`), the
/// daemon (in-process `Daemon`: journal, rules, group commits to a SQLite file with `synchronous = FULL`;
/// drained when every event is applied and committed), and the Python peer in its naive and tuned forms on
/// a queue of their own.
struct IngestBenchmark {
    let settings: BenchSettings
    let fleet: BenchFleet

    func run() async throws -> [Figure] {
        let sites = settings.work + "/sites"
        try fleet.writeSiteFiles(to: sites)
        let broker = try await BenchBroker.start()
        // Event times from a minute ago on (the drain's configuration tolerates the later ones being ahead of the
        // wall clock): a backlog much older than that would be judged against the wall clock and raise an
        // offline ticket for every device whose heartbeat is older than its limit, which is not everyday traffic.
        let start = EventTime(milliseconds: WallClock.now().milliseconds - 60_000)
        BenchSettings.note("ingest: generating \(settings.ingestMessages) messages")
        let messages = Self.messages(fleet, count: settings.ingestMessages, start: start, prefix: "i")
        var figures: [Figure] = []
        for qos in [0, 1] {
            figures += try await measure(qos: qos, broker: broker, messages: messages, sites: sites)
        }
        if settings.peerScript != nil {
            let peerMessages = Self.messages(fleet, count: settings.peerMessages, start: start, prefix: "p")
            for qos in [0, 1] {
                figures += try await measurePeers(qos: qos, broker: broker, messages: peerMessages, figures: figures)
            }
        }
        await broker.broker.stop()
        return figures
    }

    static func messages(_ fleet: BenchFleet, count: Int, start: EventTime, prefix: String) -> EngineBenchmark.Messages {
        var generator = TrafficGenerator(fleet: fleet, start: start, seed: 23, idPrefix: prefix)
        var messages = EngineBenchmark.Messages()
        for _ in 0..<count {
            let event = generator.next()
            messages.topics.append(event.topic)
            messages.payloads.append(event.payload())
            messages.times.append(event.time)
        }
        return messages
    }

    private func measure(
        qos: Int,
        broker: BenchBroker,
        messages: EngineBenchmark.Messages,
        sites: String
    ) async throws
        -> [Figure]
    {
        let count = messages.topics.count
        let subID = "bench-sub-q\(qos)"
        let linliID = "bench-linli-q\(qos)"
        try broker.registerWithMosquittoSub([subID], qos: qos, work: settings.work)
        try await broker.registerWithClient(linliID, qos: qos == 0 ? .atMostOnce : .atLeastOnce)
        BenchSettings.note("ingest: QoS \(qos): publishing \(count) messages")
        try await broker.publish(messages)

        BenchSettings.note("ingest: QoS \(qos): mosquitto_sub drains")
        let subRate = try drainWithMosquittoSub(broker: broker, clientID: subID, qos: qos, count: count)

        BenchSettings.note("ingest: QoS \(qos): the daemon drains")
        let (linliRate, cores) = try await drainWithDaemon(broker: broker, clientID: linliID, qos: qos, count: count, sites: sites)
        return [
            Figure(
                name: "ingest.q\(qos).mosquitto_sub_per_second",
                value: subRate,
                unit: "msg/s",
                detail: "mosquitto_sub draining a queue of \(Figure.grouped(count)) events to /dev/null"
            ),
            Figure(
                name: "ingest.q\(qos).linli_per_second",
                value: linliRate,
                unit: "events/s",
                detail: "the daemon draining the same queue: journal, rules, committed (\(Figure.format(cores)) cores busy)"
            ),
            Figure(
                name: "ingest.q\(qos).linli_vs_mosquitto_sub",
                value: linliRate / subRate,
                unit: "x",
                detail: "target >= 0.9"
            ),
        ]
    }

    private func drainWithMosquittoSub(broker: BenchBroker, clientID: String, qos: Int, count: Int) throws -> Double {
        let began = Machine.nanoseconds()
        let status = try Subprocess.run(
            "mosquitto_sub",
            [
                "-h", broker.broker.host, "-p", "\(broker.broker.port)", "-c", "-i", clientID, "-q", "\(qos)",
                "-t", BenchBroker.filter, "-C", "\(count)",
            ],
            stdout: "/dev/null",
            stderr: settings.work + "/mosquitto_sub.err"
        )
        let seconds = Double(Machine.nanoseconds() - began) / 1e9
        guard status == 0 else { throw BenchError("mosquitto_sub failed (\(status))") }
        return Double(count) / seconds
    }

    /// Runs the whole daemon in-process until it has applied and committed `count` events; returns events/s
    /// and the cores it kept busy (process CPU time over wall time).
    private func drainWithDaemon(
        broker: BenchBroker,
        clientID: String,
        qos: Int,
        count: Int,
        sites: String
    ) async throws
        -> (Double, Double)
    {
        var configuration = DaemonConfiguration()
        configuration.mqtt.url = broker.url
        configuration.mqtt.clientID = clientID
        configuration.mqtt.qos = qos
        configuration.futureTolerance = .seconds(3 * 3600)
        configuration.databasePath = settings.work + "/ingest-q\(qos).sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: configuration.databasePath + suffix) }
        try? FileManager.default.removeItem(atPath: configuration.databasePath + ".inbox")
        configuration.sitesDirectory = sites
        configuration.rulesDirectory = settings.rulesDirectory
        configuration.http.enabled = false
        configuration.feed.enabled = false
        let daemon = try await Daemon(configuration: configuration, logger: BenchBroker.quietLogger)
        let group = daemon.makeServiceGroup()
        let cpuBefore = Machine.cpuSeconds()
        let began = Machine.nanoseconds()
        let running = Task { try await daemon.run(group) }
        let deadline = began + 600 * 1_000_000_000
        var nextNote = began + 10_000_000_000
        while daemon.status.snapshot.handled < count {
            let now = Machine.nanoseconds()
            guard now < deadline else { throw BenchError("the daemon did not drain its queue in 10 minutes") }
            if now > nextNote {
                let snapshot = daemon.status.snapshot
                BenchSettings.note("ingest: … \(snapshot.handled) handled, \(snapshot.batches) batches, backlog \(snapshot.ingestBacklog)")
                nextNote = now + 10_000_000_000
            }
            // Every 5 ms: at most 0.1% of a drain's time, and no timer storm on the daemon's two cores.
            try await Task.sleep(for: .milliseconds(5))
        }
        let seconds = Double(Machine.nanoseconds() - began) / 1e9
        let cpu = Machine.cpuSeconds() - cpuBefore
        let snapshot = daemon.status.snapshot
        await group.triggerGracefulShutdown()
        try await running.value
        guard snapshot.accepted == count else {
            throw BenchError("the daemon applied \(snapshot.accepted) of \(count) events (rejected: \(snapshot.rejectedByReason))")
        }
        return (Double(count) / seconds, cpu / seconds)
    }

    private func measurePeers(
        qos: Int,
        broker: BenchBroker,
        messages: EngineBenchmark.Messages,
        figures: [Figure]
    ) async throws
        -> [Figure]
    {
        guard let script = settings.peerScript else { return [] }
        let count = messages.topics.count
        let ids = ["bench-peer-naive-q\(qos)", "bench-peer-tuned-q\(qos)"]
        try broker.registerWithMosquittoSub(ids, qos: qos, work: settings.work)
        BenchSettings.note("ingest: QoS \(qos): publishing \(count) messages for the Python peer")
        try await broker.publish(messages)
        let linli = figures.first { $0.name == "ingest.q\(qos).linli_per_second" }?.value ?? .nan
        var results: [Figure] = []
        for (mode, id) in zip(["naive", "tuned"], ids) {
            BenchSettings.note("ingest: QoS \(qos): the Python peer (\(mode)) drains")
            let database = settings.work + "/peer-\(mode)-q\(qos).sqlite"
            for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: database + suffix) }
            let output = settings.work + "/peer-\(mode)-q\(qos).json"
            let began = Machine.nanoseconds()
            let status = try Subprocess.run(
                settings.python,
                [
                    script, "--mode", mode, "--host", broker.broker.host, "--port", "\(broker.broker.port)",
                    "--client-id", id, "--qos", "\(qos)", "--count", "\(count)", "--db", database,
                ],
                stdout: output,
                stderr: settings.work + "/peer-\(mode)-q\(qos).err"
            )
            let seconds = Double(Machine.nanoseconds() - began) / 1e9
            guard status == 0 else {
                throw BenchError("the Python peer (\(mode)) failed (\(status)); see \(settings.work)/peer-\(mode)-q\(qos).err")
            }
            let report = (try? String(contentsOfFile: output, encoding: .utf8)).flatMap { try? JSONValue(parsing: $0) }
            let tickets = report?["tickets"]?.number.map { Int($0) } ?? 0
            let rate = Double(count) / seconds
            results.append(
                Figure(
                    name: "peer.q\(qos).\(mode)_per_second",
                    value: rate,
                    unit: "events/s",
                    detail: "Benchmarks/peer/paho_peer.py --mode \(mode), \(Figure.grouped(count)) events, "
                        + "\(Figure.grouped(tickets)) ticket writes"
                )
            )
            results.append(
                Figure(
                    name: "peer.q\(qos).linli_vs_\(mode)",
                    value: linli / rate,
                    unit: "x",
                    detail: mode == "naive" ? "target >= 8" : "target >= 3"
                )
            )
        }
        return results
    }
}
