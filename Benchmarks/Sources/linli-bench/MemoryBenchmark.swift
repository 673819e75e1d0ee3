import Foundation
import LinliCore
import LinliDaemon
import TicketStore

/// `memory`: peak resident memory of a process that tracks the scaled registry (100,000 devices and 10,000
/// residents by default) after a day of simulated traffic, run through the replay path (engine, de-duplication
/// memory, group commits to a SQLite file). Measured in a child process of its own that holds what the daemon
/// holds: the registry, the engine and the store. The traffic is generated here, in the parent, and reaches the
/// child through a pipe (``TrafficPipe``), as the daemon's reaches it from the broker.
struct MemoryBenchmark {
    let settings: BenchSettings

    /// Runs the child, feeds it the traffic, and returns its figures.
    func run() throws -> [Figure] {
        let output = settings.work + "/memory.json"
        BenchSettings.note("memory: \(settings.memoryHours) h of traffic over \(settings.devices) devices (child process)")
        let traffic = Pipe()
        signal(SIGPIPE, SIG_IGN)  // a child that fails ends the feed with an error, not this process
        let child = try Subprocess.start(
            "/proc/self/exe",
            [
                "memory-child", "--devices", "\(settings.devices)", "--residents", "\(settings.residents)",
                "--rules", settings.rulesDirectory, "--work", settings.work,
            ],
            stdout: output,
            stderr: settings.work + "/memory.err",
            stdin: traffic
        )
        let fed = Result { try feed(traffic.fileHandleForWriting) }
        try? traffic.fileHandleForWriting.close()
        child.waitUntilExit()
        guard child.terminationStatus == 0, case .success = fed,
            let text = try? String(contentsOfFile: output, encoding: .utf8),
            let report = try? JSONValue(parsing: text)
        else {
            throw BenchError("the memory child failed (\(child.terminationStatus)); see \(settings.work)/memory.err")
        }
        let peak = report["peak_kb"]?.number ?? .nan
        let baseline = report["baseline_kb"]?.number ?? .nan
        let events = Int(report["events"]?.number ?? 0)
        let changes = Int(report["ticket_changes"]?.number ?? 0)
        let seconds = report["seconds"]?.number ?? .nan
        return [
            Figure(
                name: "memory.peak_rss_mb",
                value: peak / 1024,
                unit: "MB",
                detail: "VmHWM after \(Figure.format(settings.memoryHours)) h of traffic (\(Figure.grouped(events)) events, "
                    + "\(Figure.format(seconds)) s), \(Figure.grouped(settings.devices)) devices, "
                    + "\(Figure.grouped(settings.residents)) residents, \(Figure.grouped(changes)) ticket changes, the registry "
                    + "built in memory (parsing it from YAML at start is in replay.cli_peak_rss_mb); target <= 100"
            ),
            Figure(
                name: "memory.baseline_rss_mb",
                value: baseline / 1024,
                unit: "MB",
                detail: "VmRSS of the same process before the registry was built (runtime and libraries)"
            ),
        ]
    }

    /// Writes `memoryHours` of the scaled fleet's traffic to the child.
    private func feed(_ handle: FileHandle) throws {
        let fleet = BenchFleet(devices: settings.devices, residents: settings.residents)
        let start = ReplayBenchmark.start - .seconds(7 * 3600)
        var generator = TrafficGenerator(fleet: fleet, start: start, seed: 3, idPrefix: "m")
        let end = start.milliseconds + Int64(settings.memoryHours * 3_600_000)
        var writer = TrafficPipe.Writer(handle: handle)
        while true {
            let event = generator.next()
            guard event.time.milliseconds < end else { break }
            try writer.send(topic: event.topic, payload: event.payload())
        }
        try writer.flush()
    }

    /// The child: builds the registry, replays the messages read from standard input, prints `{"peak_kb", …}`.
    static func child(devices: Int, residents: Int, rulesDirectory: String, work: String) async throws {
        let baseline = Machine.status("VmRSS") ?? 0
        // Only the registry is kept: the fleet's lists are the generator's, which runs in the parent.
        let registry = BenchFleet(devices: devices, residents: residents).registry
        let rules = try ConfigurationFiles.loadRules(from: rulesDirectory)
        let afterRegistry = Machine.status("VmRSS") ?? 0
        let path = work + "/memory.sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let store = try TicketStore(path: path, configuration: .init(durability: .normal))
        // Transactions of the daemon's size (`pipeline.batch_size`), not the replay command's 10,000 messages: like
        // the daemon, the replayer holds a batch's results while the previous one commits, and up to its backlog of
        // batches while a slow one (a state-log fold) does.
        var replayer = try await Replayer.start(
            rules: rules,
            registry: registry,
            store: store,
            chunkSize: DaemonConfiguration().batchSize
        )
        let afterRestore = Machine.status("VmRSS") ?? 0
        var firstEvents = 0
        var traffic = TrafficPipe.Reader()
        let began = Machine.nanoseconds()
        var events = 0
        var series: [JSONValue] = []
        while let message = try traffic.next() {
            try await replayer.replay(topic: message.topic, payload: message.payload, at: nil)
            events += 1
            if events == 20_000 { firstEvents = Machine.status("VmHWM") ?? 0 }
            if events % 1_000_000 == 0 { series.append(.number(Double(Machine.status("VmRSS") ?? 0))) }
        }
        let summary = try await replayer.finish()
        let endBeforeTrim = Machine.status("VmRSS") ?? 0
        AllocatorSettings.releaseFreeMemory()
        let seconds = Double(Machine.nanoseconds() - began) / 1e9
        let peak = Machine.status("VmHWM") ?? 0
        var object = JSONObject()
        object["peak_kb"] = .number(Double(peak))
        object["baseline_kb"] = .number(Double(baseline))
        object["after_registry_kb"] = .number(Double(afterRegistry))
        object["after_restore_kb"] = .number(Double(afterRestore))
        object["peak_after_20000_events_kb"] = .number(Double(firstEvents))
        object["end_kb"] = .number(Double(endBeforeTrim))
        object["end_trimmed_kb"] = .number(Double(Machine.status("VmRSS") ?? 0))
        object["rss_every_million_kb"] = .array(series)
        object["events"] = .number(Double(events))
        object["accepted"] = .number(Double(summary.accepted))
        object["seconds"] = .number(seconds)
        object["ticket_changes"] = .number(Double(summary.ticketChanges.values.reduce(0, +)))
        var writer = JSONWriter()
        writer.value(.object(object))
        print(writer.text)
        try store.close()
    }
}
