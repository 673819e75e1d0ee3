import Foundation
import LinliCore
import Simulation
import TestSupport
import Testing

/// The built `linli-sim run --capture`, `linli replay`, `linli-sim verify` and `linli-sim load`, run as a
/// user runs them.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct ReplayAndLoadCommandTests {
    let directory: URL

    /// A fresh temporary directory per test; each test removes it when done.
    init() throws {
        directory = try CommandRunner.makeDirectory("linli-replay", needing: [CommandRunner.binary, CommandRunner.linliBinary])
    }

    @Test("a scenario captured with run --capture, replayed with linli replay --db, passes linli-sim verify")
    func captureReplayVerify() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let capture = directory.appendingPathComponent("bin-full.jsonl").path
        let store = directory.appendingPathComponent("replay.sqlite").path
        let run = try await CommandRunner.run(["run", "Simulator/Scenarios/bin-full.yaml", "--capture", capture])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("scenario bin-full: wrote "))
        let lines = try CaptureFormat.decodeLines(try [UInt8](Data(contentsOf: URL(fileURLWithPath: capture))))
        let start = try #require(RFC3339.parse("2026-11-27T14:00:00+08:00"))
        #expect(lines.allSatisfy { ($0.at ?? start) >= start && $0.at != nil }, "lines carry their scenario time")

        let replay = try await CommandRunner.runLinli(["replay", capture, "--db", store, "--json"])
        #expect(replay.status == 0, "\(replay.stderr)")
        let tickets = try JSONValue(parsing: replay.stdout).array ?? []
        #expect(tickets.count == 3)
        #expect(replay.stderr.contains("replayed \(capture): \(lines.count) messages"))
        #expect(replay.stderr.contains("0 dead letters"))

        let verify = try await CommandRunner.run(["verify", "Simulator/Scenarios/bin-full.yaml", "--db", store])
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.contains("scenario bin-full: PASS: 3 tickets"))
    }

    @Test("linli replay prints the same tickets every time, and a table by default")
    func replayIsRepeatable() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let capture = directory.appendingPathComponent("smoke.jsonl").path
        let run = try await CommandRunner.run([
            "run", "Simulator/Scenarios/smoke.yaml", "--capture", capture, "--start", "2026-11-27T15:00:00+08:00",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let first = try await CommandRunner.runLinli(["replay", capture, "--json"])
        let second = try await CommandRunner.runLinli(["replay", capture, "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == second.stdout)
        #expect(first.stdout.contains("\"id\": \"T-000001\""))
        #expect(first.stderr.contains("13 messages: 11 events applied, 2 dead letters (invalid_data 1, invalid_json 1)"))
        let table = try await CommandRunner.runLinli(["replay", capture])
        #expect(table.stdout.hasPrefix("ID "))
        #expect(table.stdout.contains("care-sos"))
    }

    @Test("linli replay names the line of a capture that is not JSON Lines and exits non-zero")
    func badCaptureLine() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let capture = directory.appendingPathComponent("bad.jsonl")
        let good = CaptureFormat.encode(CaptureLine(topic: "linli/v1/zijing/gate/ZJ-G01/event", payload: Array("{}".utf8)))
        try (good + "\n\n" + "{\"topic\": 3}\n").write(to: capture, atomically: true, encoding: .utf8)
        let replay = try await CommandRunner.runLinli(["replay", capture.path])
        #expect(replay.status != 0)
        #expect(replay.stderr.contains("\(capture.path): line 3: \"topic\" must be a non-empty string"), "\(replay.stderr)")
    }

    @Test("load publishes every event, stamped and valid, and reports the rate it achieved")
    func loadPublishesEverything() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let broker = try await MosquittoBroker.start()
        let url = broker.url
        let expected = 4000
        let capture = directory.appendingPathComponent("load.jsonl")
        let recorder = try CommandRunner.start(["record", capture.path, "--broker", url, "--count", "\(expected)"])
        try await recorder.waitForOutput(containing: "recording")
        let load = try await CommandRunner.run([
            "load", "--broker", url, "--devices", "50", "--rate", "2000/s", "--duration", "2s", "--qos", "1", "--stamp",
            "--json",
        ])
        #expect(load.status == 0, "\(load.stderr)")
        let report = try JSONValue(parsing: load.stdout)
        #expect(report["events"]?.number == Double(expected))
        let rate = report["publish_rate"]?.number ?? 0
        print("load: 2000/s target, \(rate)/s published, \(report["acknowledged_rate"]?.number ?? 0)/s acknowledged")
        #expect(rate > 0)

        let recorded = await recorder.finish()
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let lines = try CaptureFormat.decodeLines(try [UInt8](Data(contentsOf: capture)))
        #expect(lines.count == expected)
        let registry = try Fixtures.configRegistry()
        var ids = Set<String>()
        for line in lines {
            let event = try Event(topic: line.topic, payload: line.payload, registry: registry)
            ids.insert(event.id)
            let object = try JSONValue(parsing: line.payload)
            #expect(object["sentat"]?.string.flatMap(RFC3339.parse) != nil)
        }
        #expect(ids.count == expected, "every event has an id of its own")
        let devices = Set(lines.map(\.topic))
        #expect(devices.count == 50)
        await broker.stop()
    }

    @Test("load refuses more devices than a site registers when it does not accept unregistered ones")
    func loadNeedsDevices() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let load = try await CommandRunner.run([
            "load", "--broker", "mqtt://127.0.0.1:1", "--site", "zijing", "--devices", "500", "--duration", "1s",
        ])
        #expect(load.status != 0)
        #expect(load.stderr.contains("site 'zijing' has 68 registered devices and does not accept unregistered ones"))
    }
}
