import Foundation
import LinliCore
import Simulation
import Testing

@Suite(.serialized, .timeLimit(.minutes(1)))
struct LinliSimCommandTests {
    let directory: URL

    /// A fresh temporary directory per test; each test removes it when done.
    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("linli-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try #require(
            FileManager.default.isExecutableFile(atPath: CommandRunner.binary.path),
            "linli-sim is not built at \(CommandRunner.binary.path)"
        )
    }

    @Test("run refuses a bad scenario with file:line:column and a non-zero exit")
    func badScenario() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("bad.yaml")
        try "name: x\nsites: [zijing]\nduration: 1m\ntimeline:\n  - at: 10s\n    gate-forced: {device: ZJ-G99}\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let output = try CommandRunner.run(["run", file.path, "--broker", "mqtt://127.0.0.1:1"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("bad.yaml:6:27: gate-forced: device 'ZJ-G99' is not registered at site 'zijing'"))
        #expect(output.stdout.isEmpty)
    }

    @Test("verify prints each difference and exits 1 when the store lacks the expected tickets")
    func verifyEmptyStore() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("empty.sqlite")
        #expect(FileManager.default.createFile(atPath: store.path, contents: nil))
        let output = try CommandRunner.run(["verify", "Simulator/Scenarios/smoke.yaml", "--db", store.path])
        #expect(output.status == 1)
        #expect(output.stdout.contains("scenario smoke: FAIL: 4 differences"))
        #expect(output.stdout.contains("missing: care-sos for resident:R-0012"))
        #expect(output.stdout.contains("dead letters: expected 2, found 0"))
    }

    @Test("run publishes the smoke scenario byte for byte; record captures it and replay publishes it again")
    func runRecordReplay() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let (broker, port) = try CommandRunner.startBroker(in: directory)
        defer { broker.terminate() }
        let url = "mqtt://127.0.0.1:\(port)"
        let start = "2026-11-27T08:00:00+08:00"
        let registry = try Fixtures.configRegistry()
        let scenario = try Scenario.load(
            file: "smoke.yaml",
            contents: try Fixtures.shippedScenario("smoke.yaml"),
            registry: registry
        )
        let expected = ScenarioGenerator(scenario: scenario, registry: registry).messages(start: RFC3339.parse(start)!)

        let first = directory.appendingPathComponent("first.jsonl")
        let recorder = try CommandRunner.start(["record", first.path, "--broker", url, "--count", "\(expected.count)"])
        try CommandRunner.waitFor("recording", in: recorder.stderr)
        let run = try CommandRunner.run([
            "run", "Simulator/Scenarios/smoke.yaml", "--broker", url, "--speed", "max", "--start", start,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("published and acknowledged \(expected.count) messages"))
        #expect(run.stdout.contains("care-sos     resident:R-0012  -     1      critical  open    0"))
        let recorded = CommandRunner.finish(recorder.process, recorder.stdout, recorder.stderr)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let lines = try CaptureFormat.decodeLines(try [UInt8](Data(contentsOf: first)))
        #expect(lines.map(\.topic) == expected.map(\.topic))
        #expect(lines.map(\.payload) == expected.map(\.payload))
        #expect(lines.allSatisfy { $0.at != nil })

        let second = directory.appendingPathComponent("second.jsonl")
        let again = try CommandRunner.start(["record", second.path, "--broker", url, "--count", "\(expected.count)"])
        try CommandRunner.waitFor("recording", in: again.stderr)
        let replay = try CommandRunner.run(["replay", first.path, "--broker", url, "--speed", "max"])
        #expect(replay.status == 0, "\(replay.stderr)")
        _ = CommandRunner.finish(again.process, again.stdout, again.stderr)
        let replayed = try CaptureFormat.decodeLines(try [UInt8](Data(contentsOf: second)))
        #expect(replayed.map(\.payload) == expected.map(\.payload))
    }
}
