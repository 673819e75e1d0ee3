import Foundation
import LinliCore
import LinliDaemon
import Simulation
import Testing
import TicketStore

/// Every shipped scenario, generated at its fixed start and run through the ``Replayer`` in-process (no
/// broker, an in-memory store), must give exactly the tickets and dead letters it expects.
@Suite("Shipped scenarios through replay")
struct ScenarioReplayTests {
    /// The repository root (`Tests/LinliDaemonTests/ScenarioReplayTests.swift` is three levels down).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The start used for scenarios that start `now` (smoke): a fixed instant, so replay is repeatable (an
    /// afternoon, away from the residents' morning check-in deadlines).
    static let nowStandIn = RFC3339.parse("2026-11-27T15:00:00+08:00")!

    /// The names of the shipped scenario files, e.g. `bin-full.yaml`.
    static let scenarioFiles: [String] = {
        let directory = root.appendingPathComponent("Simulator/Scenarios").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }()

    /// The shipped rules and sites, loaded once.
    static let configuration: (rules: RuleSet, registry: SiteRegistry)? = {
        let config = root.appendingPathComponent("Config")
        guard let registry = try? ConfigurationFiles.loadSites(from: config.appendingPathComponent("sites").path),
            let rules = try? ConfigurationFiles.loadRules(from: config.appendingPathComponent("rules").path)
        else { return nil }
        return (rules, registry)
    }()

    /// A scenario, its messages, and what replaying them gave.
    struct Outcome {
        var scenario: Scenario
        var messages: [ScenarioMessage]
        var summary: ReplaySummary
        var tickets: [Ticket]
    }

    /// Loads a shipped scenario, generates it at its start and replays it into a fresh in-memory store.
    static func replay(_ file: String, chunkSize: Int = Replayer.defaultChunkSize) async throws -> Outcome {
        let (rules, registry) = try #require(configuration, "the shipped rules and sites load")
        let text = try String(contentsOf: root.appendingPathComponent("Simulator/Scenarios/\(file)"), encoding: .utf8)
        let scenario = try Scenario.load(file: file, contents: text, registry: registry)
        let messages = ScenarioGenerator(scenario: scenario, registry: registry)
            .messages(start: scenario.start.resolve(now: nowStandIn))
        var replayer = try await Replayer.start(
            rules: rules,
            registry: registry,
            store: try TicketStore.inMemory(),
            chunkSize: chunkSize
        )
        for message in messages {
            try await replayer.replay(topic: message.topic, payload: message.payload, at: message.time)
        }
        let summary = try await replayer.finish()
        let tickets = try await replayer.store.tickets(matching: TicketFilter())
        return Outcome(scenario: scenario, messages: messages, summary: summary, tickets: tickets)
    }

    @Test("the shipped scenarios include smoke, one per catalogue rule, day-in-zijing, bad-input and storm")
    func catalogueIsCovered() {
        let expected = [
            "smoke", "bin-full", "bin-overheat", "bin-contamination", "gate-forced", "gate-held-open",
            "gate-denied-burst", "device-offline", "battery-low", "care-sos", "care-fall", "care-missed-checkin",
            "care-no-activity", "day-in-zijing", "bad-input", "storm",
        ]
        #expect(Set(expected.map { "\($0).yaml" }).isSubset(of: Self.scenarioFiles))
    }

    @Test(
        "a shipped scenario replayed gives exactly the tickets and dead letters it expects, and loses nothing valid",
        arguments: scenarioFiles
    )
    func scenarioPasses(_ file: String) async throws {
        let outcome = try await Self.replay(file)
        let verdict = ScenarioVerdict.verify(
            outcome.scenario.expectations,
            tickets: outcome.tickets,
            deadLetterCount: outcome.summary.deadLetters
        )
        #expect(verdict.passed, "\(file): \(verdict)\nreplay: \(outcome.summary)")

        // Every message that is a contract event is applied or ignored as a redelivery (or refused as too
        // late); every other one is dead-lettered.
        let registry = try #require(Self.configuration).registry
        let valid = outcome.messages.filter { (try? Event(topic: $0.topic, payload: $0.payload, registry: registry)) != nil }
        let summary = outcome.summary
        let tooLate = summary.deadLettersByReason["too_late", default: 0]
        #expect(summary.messages == outcome.messages.count)
        #expect(summary.accepted + summary.duplicates + tooLate == valid.count, "\(file): \(summary)")
        #expect(summary.deadLetters - tooLate == outcome.messages.count - valid.count, "\(file): \(summary)")
    }

    @Test("replay is deterministic: the same scenario gives the same tickets, ids and JSON included, in any chunking")
    func deterministic() async throws {
        let whole = try await Self.replay("bad-input.yaml")
        let again = try await Self.replay("bad-input.yaml")
        let chunked = try await Self.replay("bad-input.yaml", chunkSize: 7)
        #expect(!whole.tickets.isEmpty)
        #expect(Ticket.jsonArray(whole.tickets, pretty: false) == Ticket.jsonArray(again.tickets, pretty: false))
        #expect(Ticket.jsonArray(whole.tickets, pretty: false) == Ticket.jsonArray(chunked.tickets, pretty: false))
        #expect(whole.summary == chunked.summary)
    }

    @Test("a capture replayed in two parts against one store gives what replaying it whole gives")
    func twoParts() async throws {
        let (rules, registry) = try #require(Self.configuration)
        let outcome = try await Self.replay("gate-denied-burst.yaml")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("linli.sqlite").path
        let half = outcome.messages.count / 2
        for part in [outcome.messages[..<half], outcome.messages[half...]] {
            let store = try TicketStore(path: path)
            var replayer = try await Replayer.start(rules: rules, registry: registry, store: store)
            for message in part {
                try await replayer.replay(topic: message.topic, payload: message.payload, at: message.time)
            }
            try await replayer.finish()
            try store.close()
        }
        let store = try TicketStore(path: path)
        let tickets = try await store.tickets(matching: TicketFilter())
        try store.close()
        #expect(Ticket.jsonArray(tickets, pretty: false) == Ticket.jsonArray(outcome.tickets, pretty: false))
    }
}
