import Foundation
import LinliCore
import Simulation
import TestSupport
import Testing

@Suite(.serialized, .timeLimit(.minutes(1)))
struct LinliSimCommandTests {
    let directory: URL

    /// A fresh temporary directory per test; each test removes it when done.
    init() throws {
        directory = try CommandRunner.makeDirectory("linli-sim", needing: [CommandRunner.binary])
    }

    @Test("run refuses a bad scenario with file:line:column and a non-zero exit")
    func badScenario() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("bad.yaml")
        try "name: x\nsites: [zijing]\nduration: 1m\ntimeline:\n  - at: 10s\n    gate-forced: {device: ZJ-G99}\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let output = try await CommandRunner.run(["run", file.path, "--broker", "mqtt://127.0.0.1:1"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("bad.yaml:6:27: gate-forced: device 'ZJ-G99' is not registered at site 'zijing'"))
        #expect(output.stdout.isEmpty)
    }

    @Test("verify prints each difference and exits 1 when the store lacks the expected tickets")
    func verifyEmptyStore() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("empty.sqlite")
        #expect(FileManager.default.createFile(atPath: store.path, contents: nil))
        let output = try await CommandRunner.run(["verify", "Simulator/Scenarios/smoke.yaml", "--db", store.path])
        #expect(output.status == 1)
        #expect(output.stdout.contains("scenario smoke: FAIL: 4 differences"))
        #expect(output.stdout.contains("missing: care-sos for resident:R-0012"))
        #expect(output.stdout.contains("dead letters: expected 2, found 0"))
    }

    @Test("run publishes the smoke scenario byte for byte; record captures it and replay publishes it again")
    func runRecordReplay() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let broker = try await MosquittoBroker.start()
        let url = broker.url
        let start = "2026-11-27T08:00:00+08:00"
        let (scenario, registry) = try Fixtures.loadShipped("smoke.yaml")
        let expected = ScenarioGenerator(scenario: scenario, registry: registry).messages(start: RFC3339.parse(start)!)

        let first = directory.appendingPathComponent("first.jsonl")
        let recorder = try CommandRunner.start(["record", first.path, "--broker", url, "--count", "\(expected.count)"])
        try await recorder.waitForOutput(containing: "recording")
        let run = try await CommandRunner.run([
            "run", "Simulator/Scenarios/smoke.yaml", "--broker", url, "--speed", "max", "--start", start,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("published and acknowledged \(expected.count) messages"))
        #expect(run.stdout.contains("care-sos     resident:R-0012  -     1      critical  open    0"))
        let recorded = await recorder.finish()
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let lines = try CaptureFormat.decodeLines(try [UInt8](Data(contentsOf: first)))
        #expect(lines.map(\.topic) == expected.map(\.topic))
        #expect(lines.map(\.payload) == expected.map(\.payload))
        #expect(lines.allSatisfy { $0.at != nil })

        let second = directory.appendingPathComponent("second.jsonl")
        let again = try CommandRunner.start(["record", second.path, "--broker", url, "--count", "\(expected.count)"])
        try await again.waitForOutput(containing: "recording")
        let replay = try await CommandRunner.run(["replay", first.path, "--broker", url, "--speed", "max"])
        #expect(replay.status == 0, "\(replay.stderr)")
        _ = await again.finish()
        let replayed = try CaptureFormat.decodeLines(try [UInt8](Data(contentsOf: second)))
        #expect(replayed.map(\.payload) == expected.map(\.payload))
        await broker.stop()
    }
}
