import ArgumentParser
import Foundation
import LinliCore
import LinliDaemon

/// `linli-bench`: Linli's benchmark suite. `scripts/bench` builds it in release mode and runs it; see the
/// README's Performance section.
@main
struct LinliBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "linli-bench",
        abstract: "Measure Linli: replay, engine, ingest (against mosquitto_sub and a Python peer), latency, memory.",
        subcommands: [Run.self, MemoryChild.self],
        defaultSubcommand: Run.self
    )
}

extension LinliBench {
    /// The benchmarks that can be chosen with `--only`.
    enum Benchmark: String, CaseIterable, ExpressibleByArgument {
        case replay, engine, ingest, latency, memory
    }

    /// `linli-bench run`: every benchmark (or those named), one line per figure.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the suite and print one line per figure (--json: one JSON document)."
        )

        @Flag(help: "Print the figures as JSON.")
        var json = false

        @Option(parsing: .upToNextOption, help: "Run only these benchmarks (replay, engine, ingest, latency, memory).")
        var only: [Benchmark] = Benchmark.allCases

        @Flag(help: "A smaller run (about a tenth of the events) to check that everything works.")
        var quick = false

        @Option(help: "Devices in the scaled registry.")
        var devices = 100_000

        @Option(help: "Residents in the scaled registry.")
        var residents = 10_000

        @Option(help: "Events in the replay capture (default 1,200,000; --quick 120,000).")
        var replayEvents: Int?

        @Option(help: "Events per engine pass (default 300,000; --quick 60,000).")
        var engineEvents: Int?

        @Option(help: "Events queued for each ingest drain (default 300,000; --quick 50,000).")
        var ingestEvents: Int?

        @Option(help: "Hours of traffic before memory is read (default 24; --quick 2).")
        var memoryHours: Double?

        @Option(help: "The rules directory.")
        var rules = "Config/rules"

        @Option(help: "The linli binary, to time `linli replay` too.")
        var linli: String?

        @Option(help: "The Python peer script (Benchmarks/peer/paho_peer.py); without it the peer is skipped.")
        var peer: String?

        @Option(help: "The Python interpreter for the peer.")
        var python = "python3"

        @Option(help: "Scratch directory (default: a new temporary one, removed at the end).")
        var work: String?

        func run() async throws {
            AllocatorSettings.apply()  // the in-process daemons (ingest, latency) run as `linli serve` does
            var settings = BenchSettings()
            settings.devices = devices
            settings.residents = residents
            settings.rulesDirectory = rules
            settings.linliBinary = linli
            settings.peerScript = peer
            settings.python = python
            if quick {
                settings.replayEvents = 120_000
                settings.engineMessages = 60_000
                settings.ingestMessages = 50_000
                settings.peerMessages = 20_000
                settings.latencySeconds = 3
                settings.memoryHours = 2
            }
            settings.replayEvents = replayEvents ?? settings.replayEvents
            settings.engineMessages = engineEvents ?? settings.engineMessages
            settings.ingestMessages = ingestEvents ?? settings.ingestMessages
            settings.memoryHours = memoryHours ?? settings.memoryHours
            let temporary = work == nil
            settings.work = work ?? NSTemporaryDirectory() + "linli-bench-\(UInt32.random(in: 0...UInt32.max))"
            try FileManager.default.createDirectory(atPath: settings.work, withIntermediateDirectories: true)
            defer { if temporary { try? FileManager.default.removeItem(atPath: settings.work) } }

            let machine = Machine.json
            if !json {
                print("linli-bench on \(Machine.summary), load average \(Figure.format(Machine.loadAverage))")
            }
            let fleet = BenchFleet(devices: devices, residents: residents)
            var figures: [Figure] = []
            func report(_ new: [Figure]) {
                figures += new
                if !json {
                    for figure in new { print(figure.line) }
                    fflush(nil)  // each figure as soon as it is measured, even into a file or a pipe
                }
            }
            for benchmark in Benchmark.allCases where only.contains(benchmark) {
                Machine.settle()
                switch benchmark {
                case .replay: report(try await ReplayBenchmark(settings: settings, fleet: fleet).run())
                case .engine: report(try EngineBenchmark(settings: settings, fleet: fleet).run())
                case .ingest: report(try await IngestBenchmark(settings: settings, fleet: fleet).run())
                case .latency: report(try await LatencyBenchmark(settings: settings, fleet: fleet).run())
                case .memory: report(try MemoryBenchmark(settings: settings).run())
                }
            }
            if json {
                var object = JSONObject()
                object["machine"] = machine
                object["figures"] = .array(figures.map(\.json))
                var writer = JSONWriter(pretty: true)
                writer.value(.object(object))
                print(writer.text)
            }
        }
    }

    /// `linli-bench memory-child`: the memory benchmark's own process (run by `run`).
    struct MemoryChild: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "memory-child",
            abstract: "Replay the messages read from standard input over the scaled registry and print the peak RSS (used by run).",
            shouldDisplay: false
        )

        @Option var devices = 100_000
        @Option var residents = 10_000
        @Option var rules = "Config/rules"
        @Option var work: String

        func run() async throws {
            AllocatorSettings.apply()
            try await MemoryBenchmark.child(
                devices: devices,
                residents: residents,
                rulesDirectory: rules,
                work: work
            )
        }
    }
}
