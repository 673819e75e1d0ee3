import Foundation
import LinliCore
import LinliDaemon
import Mosquitto
import TestSupport
import Testing
import TicketStore

/// One message of the hostile corpus (`Tests/Fixtures/hostile-events.jsonl`) and the reason it must be
/// rejected with.
struct HostileEntry: Sendable, CustomTestStringConvertible {
    /// What makes it hostile.
    var name: String
    /// The dead letter's reason code.
    var expect: String
    var topic: String
    var payload: [UInt8]

    var testDescription: String { "\(name) → \(expect)" }

    /// The corpus file: a capture file (JSON Lines, `cli.md`) whose lines also carry `name` and `expect`.
    static let file = Repository.root.appendingPathComponent("Tests/Fixtures/hostile-events.jsonl")

    /// Every entry, in file order.
    static let all: [HostileEntry] = {
        guard let bytes = FileManager.default.contents(atPath: file.path) else { return [] }
        var entries: [HostileEntry] = []
        for (index, line) in String(decoding: bytes, as: UTF8.self).split(separator: "\n").enumerated() {
            guard let object = try? JSONValue(parsing: String(line)), let capture = try? CaptureFormat.decode(line, line: index + 1),
                let name = object["name"]?.string, let expect = object["expect"]?.string
            else { continue }
            entries.append(HostileEntry(name: name, expect: expect, topic: capture.topic, payload: capture.payload))
        }
        return entries
    }()

    /// Fuzzing finds kept as regression inputs (`Fuzz/Regressions/<target>/*`).
    static func regressions(_ target: String) -> [[UInt8]] {
        let directory = Repository.root.appendingPathComponent("Fuzz/Regressions/\(target)")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().filter { !$0.hasPrefix(".") }.compactMap { name in
            FileManager.default.contents(atPath: directory.appendingPathComponent(name).path).map { [UInt8]($0) }
        }
    }
}

@Suite("Hostile input: a corpus of malformed events, each rejected with its reason, none disturbing the rest")
struct HostileInputTests {
    /// The time the corpus' otherwise well-formed events carry.
    static let corpusTime = EventTime(milliseconds: 1_795_737_600_000)  // 2026-11-27T08:00:00+08:00
    static let registry = try! ConfigurationFiles.loadSites(from: Repository.configDirectory.appendingPathComponent("sites").path)
    static let rules = try! ConfigurationFiles.loadRules(from: Repository.configDirectory.appendingPathComponent("rules").path)

    /// Reason codes a dead letter can carry: the decoder's, and the engine's lateness checks.
    static let knownReasons = Set(EventDecodingError.allReasons + ["too_late", "too_early"])

    @Test("the corpus has at least 50 entries, each naming a known reason, and covers every kind of hostility asked for")
    func corpusIsComplete() {
        let entries = HostileEntry.all
        #expect(entries.count >= 50)
        for entry in entries {
            #expect(Self.knownReasons.contains(entry.expect), "\(entry.name): unknown reason \(entry.expect)")
        }
        let reasons = Set(entries.map(\.expect))
        for required in [
            "invalid_json", "not_an_object", "missing_attribute", "invalid_attribute", "unknown_type", "invalid_topic",
            "source_mismatch", "kind_mismatch", "unknown_site", "unknown_device", "missing_data", "invalid_data",
            "out_of_range", "payload_too_large", "too_late", "too_early",
        ] {
            #expect(reasons.contains(required), "no corpus entry for \(required)")
        }
        #expect(Set(entries.map(\.name)).count == entries.count, "corpus names must be unique")
    }

    @Test("each corpus entry is rejected by the processor with its expected reason", arguments: HostileEntry.all)
    func rejectedWithReason(_ entry: HostileEntry) {
        var processor = EventProcessor(engine: RuleEngine(rules: Self.rules, registry: Self.registry))
        var output = ProcessorOutput()
        processor.advance(to: Self.corpusTime, into: &output)
        output.removeAll()
        processor.ingest(topic: entry.topic, payload: entry.payload, receivedAt: Self.corpusTime, wallClock: Self.corpusTime, into: &output)
        #expect(output.accepted == 0)
        #expect(output.deadLetters.map(\.reason) == [entry.expect], "\(output.deadLetters.first?.detail ?? "accepted")")
        if let letter = output.deadLetters.first {
            #expect(letter.topic == entry.topic)
            // The detail names the problem without echoing a long payload.
            #expect(letter.detail.utf8.count < 400)
        }
    }

    /// The fuzz targets' topics, in `Fuzz/Sources/FuzzEventDecoder`'s order.
    static let fuzzTopics = [
        "linli/v1/zijing/bin/ZJ-B03-K/event", "linli/v1/zijing/gate/ZJ-G01/event", "linli/v1/zijing/care/ZJ-C-0001/event",
        "linli/v1/beisan/bin/BS-B02-K/event", "linli/v1/beisan/care/BS-UNREGISTERED/event",
    ]

    @Test("inputs kept from fuzzing are decoded (or rejected) without trapping, as the fuzz targets read them")
    func fuzzRegressionsDoNotTrap() {
        for input in HostileEntry.regressions("FuzzEventDecoder") {
            guard let selector = input.first else { continue }
            let rest = input.dropFirst()
            var topic: String
            var payload: [UInt8]
            if Int(selector) < Self.fuzzTopics.count {
                topic = Self.fuzzTopics[Int(selector)]
                payload = Array(rest)
            } else {
                let newline = rest.firstIndex(of: 0x0A) ?? rest.endIndex
                topic = String(decoding: rest[..<newline], as: UTF8.self)
                payload = Array(rest[(newline < rest.endIndex ? newline + 1 : newline)...])
            }
            if let event = try? Event(topic: topic, payload: payload, registry: Self.registry) {
                #expect((try? Event(topic: event.topic, payload: event.payload(), registry: Self.registry)) == event)
            }
        }
        for input in HostileEntry.regressions("FuzzConfigParsers") {
            guard let selector = input.first else { continue }
            let text = String(decoding: input.dropFirst(), as: UTF8.self)
            if selector & 1 == 0 {
                _ = try? RuleSet.load(files: [(name: "fuzz.yaml", contents: text)])
            } else {
                _ = try? SiteRegistry.load(files: [(name: "fuzz.yaml", contents: text)])
            }
        }
    }

    @Test(
        "through the broker and the daemon, every hostile message is dead-lettered in order and every valid event around it applies",
        .timeLimit(.minutes(1))
    )
    func corpusThroughTheDaemon() async throws {
        let live = try await LiveDaemon.start()
        // Let the first tick set the engine's clock, so the lateness check applies from the first message.
        try await Task.sleep(for: .milliseconds(100))

        let entries = HostileEntry.all
        let start = WallClock.now()
        var valid: [Event] = []
        var messages: [(topic: String, payload: [UInt8])] = []
        for (index, entry) in entries.enumerated() {
            let event = Event(
                id: "valid-\(index)",
                site: "zijing",
                device: "ZJ-B05-K",
                type: .binFill,
                time: start + .milliseconds(Int64(index)),
                data: EventData(fillPct: 95)
            )
            valid.append(event)
            messages.append((event.topic, event.payload()))
            messages.append((entry.topic, entry.payload))
        }
        let sos = Event(id: "valid-sos", site: "zijing", device: "ZJ-C-0012", type: .careSOS, time: start, data: EventData(resident: "R-0012"))
        valid.append(sos)
        messages.append((sos.topic, sos.payload()))
        try await live.publish(messages)

        let store = live.store
        let total = messages.count
        try await LiveDaemon.waitUntil("every message is handled") { live.status.handled == total }
        #expect(live.status.accepted == valid.count)
        let letters = try await store.deadLetters(limit: 1000).reversed()
        #expect(letters.map(\.reason) == entries.map(\.expect))
        #expect(letters.map(\.topic) == entries.map(\.topic))
        let tickets = try await store.tickets(matching: TicketFilter())
        #expect(tickets.count == 2)
        let binFull = tickets.first { $0.rule == "bin-full" }
        #expect(binFull?.subject == .device("ZJ-B05-K"))
        #expect(binFull?.occurrences == entries.count)
        #expect(tickets.contains { $0.rule == "care-sos" && $0.subject == .resident("R-0012") })
        #expect(Set(try await live.seenIDs()) == Set(valid.map(\.id)))
        try await live.stop()
    }
}
