import Foundation
import LinliCore
import LinliDaemon
import TicketStore

/// `replay`: events per second through the replay path (capture line → decode → de-duplicate → rules →
/// group commit to a SQLite file), over a generated capture of the scaled demo sites with every catalogue
/// rule loaded; then the `linli replay` command itself on the same file.
struct ReplayBenchmark {
    let settings: BenchSettings
    let fleet: BenchFleet

    /// The generated capture: about an hour of traffic, starting 07:00 local.
    func writeCapture(to path: String) throws -> Int {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else { throw BenchError("cannot write \(path)") }
        defer { try? handle.close() }
        var generator = TrafficGenerator(fleet: fleet, start: Self.start, seed: 7, idPrefix: "r")
        var block: [UInt8] = []
        block.reserveCapacity(1 << 22)
        for _ in 0..<settings.replayEvents {
            let event = generator.next()
            block += CaptureFormat.encode(CaptureLine(topic: event.topic, payload: event.payload())).utf8
            block.append(UInt8(ascii: "\n"))
            if block.count >= 1 << 22 {
                handle.write(Data(block))
                block.removeAll(keepingCapacity: true)
            }
        }
        handle.write(Data(block))
        return settings.replayEvents
    }

    /// 2026-11-27T07:00:00+08:00.
    static let start = EventTime(milliseconds: 1_795_734_000_000)

    func run() async throws -> [Figure] {
        let rules = try settings.loadRules()
        let capture = settings.work + "/replay.jsonl"
        BenchSettings.note("replay: writing \(settings.replayEvents) events to \(capture)")
        _ = try writeCapture(to: capture)
        let size = (try? FileManager.default.attributesOfItem(atPath: capture)[.size] as? Int) ?? 0

        BenchSettings.note("replay: in-process, store \(settings.work)/replay.sqlite")
        let path = settings.work + "/replay.sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let store = try TicketStore(path: path, configuration: .init(durability: .normal))
        var replayer = try await Replayer.start(rules: rules, registry: fleet.registry, store: store)
        let cpuBefore = Machine.cpuSeconds()
        let began = Machine.nanoseconds()
        guard let input = FileHandle(forReadingAtPath: capture) else { throw BenchError("cannot read \(capture)") }
        var lines = LineBlocks(handle: input)
        while let line = lines.next() {
            try await replayer.replay(try CaptureFormat.decode(line))
        }
        let summary = try await replayer.finish()
        let seconds = Double(Machine.nanoseconds() - began) / 1e9
        let cpu = Machine.cpuSeconds() - cpuBefore
        try store.close()
        let rate = Double(summary.messages) / seconds
        let changes = summary.ticketChanges.values.reduce(0, +)
        var figures = [
            Figure(
                name: "replay.events_per_second",
                value: rate,
                unit: "events/s",
                detail: "\(Figure.grouped(summary.messages)) events (\(size >> 20) MiB capture), "
                    + "\(Figure.grouped(settings.devices)) devices, \(rules.rules.count) rules, "
                    + "\(Figure.grouped(changes)) ticket changes, \(summary.deadLetters) dead letters, SQLite file; "
                    + "\(Figure.format(cpu / seconds)) cores busy"
            ),
            Figure(
                name: "replay.cpu_ns_per_event",
                value: cpu * 1e9 / Double(summary.messages),
                unit: "ns/event",
                detail: "CPU time (user + system, every thread) per event of the run above"
            ),
        ]
        if let binary = settings.linliBinary {
            figures += try runCommand(binary: binary, capture: capture, messages: summary.messages)
        }
        return figures
    }

    /// Times `linli replay FILE --db … --sites … --rules …` end to end (start-up and printing included), and reads
    /// its peak resident memory.
    private func runCommand(binary: String, capture: String, messages: Int) throws -> [Figure] {
        let sites = settings.work + "/sites"
        try fleet.writeSiteFiles(to: sites)
        let database = settings.work + "/replay-cli.sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        BenchSettings.note("replay: \(binary) replay")
        let began = Machine.nanoseconds()
        let (status, peakKB) = try Subprocess.runWatchingMemory(
            binary,
            ["replay", capture, "--db", database, "--sites", sites, "--rules", settings.rulesDirectory],
            stdout: "/dev/null",
            stderr: settings.work + "/replay-cli.log"
        )
        let seconds = Double(Machine.nanoseconds() - began) / 1e9
        guard status == 0 else { throw BenchError("linli replay failed (\(status)); see \(settings.work)/replay-cli.log") }
        return [
            Figure(
                name: "replay.cli_events_per_second",
                value: Double(messages) / seconds,
                unit: "events/s",
                detail: "the linli replay command on the same file, wall clock from start to exit "
                    + "(loading \(Figure.grouped(settings.devices)) devices of YAML and printing the tickets included)"
            ),
            Figure(
                name: "replay.cli_peak_rss_mb",
                value: Double(peakKB) / 1024,
                unit: "MB",
                detail: "its VmHWM: parsing the site files (YAML) into a tree is the peak, before any event, "
                    + "as at the daemon's start"
            ),
        ]
    }
}

/// The lines of a file, read in 4 MiB blocks.
struct LineBlocks {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false

    init(handle: FileHandle) {
        self.handle = handle
    }

    mutating func next() -> String? {
        while true {
            if let newline = buffer[position...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[position..<newline], as: UTF8.self)
                position = newline + 1
                return line
            }
            if atEnd {
                guard position < buffer.count else { return nil }
                let line = String(decoding: buffer[position...], as: UTF8.self)
                position = buffer.count
                return line
            }
            buffer.removeFirst(position)
            position = 0
            let block = handle.readData(ofLength: 1 << 22)
            if block.isEmpty { atEnd = true } else { buffer.append(contentsOf: block) }
        }
    }
}

/// A failure of the benchmark itself (not a slow figure).
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
