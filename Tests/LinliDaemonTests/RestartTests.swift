import Foundation
import LinliCore
import LinliDaemon
import TestSupport
import Testing
import TicketStore

/// Restart safety with a real SQLite file: the session is dropped and restored as the daemon does on a
/// restart (also after kill -9, since every batch is one transaction).
@Suite("Restart: engine state persisted with the tickets")
struct RestartTests {
    static let configDirectory = Repository.configDirectory

    static func restore(_ store: TicketStore) async throws -> ProcessingSession {
        let rules = try ConfigurationFiles.loadRules(from: configDirectory.appendingPathComponent("rules").path)
        let registry = try ConfigurationFiles.loadSites(from: configDirectory.appendingPathComponent("sites").path)
        let held = RuleSet(rules: rules.rules.filter { ["gate-held-open", "gate-denied-burst"].contains($0.id) })
        let timing = ProcessingSession.Timing(clock: .wall, lateness: .seconds(3600), futureTolerance: .seconds(300))
        return try await ProcessingSession.restore(
            rules: held,
            registry: registry,
            store: store,
            deduplicationCapacity: 1000,
            timing: timing
        )
    }

    /// Restores a session from the store file at `path`, runs `steps` on it, commits once and closes the store:
    /// one run of the daemon, which then stops.
    static func runOnce(at path: String, _ steps: (inout ProcessingSession) -> Void) async throws {
        let store = try TicketStore(path: path)
        var session = try await restore(store)
        steps(&session)
        try await session.commit()
        try store.close()
    }

    static func event(_ type: EventType, _ data: EventData, at time: EventTime, id: String) -> Event {
        Event(id: id, site: "zijing", device: "ZJ-G01", type: type, time: time, data: data)
    }

    @Test("a held-open deadline that passes while the daemon is down fires once after start, marked late")
    func deadlineWhileDown() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/linli.sqlite"
        let t0 = EventTime(seconds: 1_796_169_600)
        try await Self.runOnce(at: path) { session in
            let open = Self.event(.gateDoor, EventData(state: "open"), at: t0, id: "open-1")
            session.ingest(topic: open.topic, payload: open.payload(), receivedAt: t0)
            session.tick(wallClock: t0 + .seconds(60))
        }
        // Down from t0+60 s until t0+10 min: the 3-minute deadline passed meanwhile.
        let store = try TicketStore(path: path)
        var session = try await Self.restore(store)
        session.tick(wallClock: t0 + .seconds(600))
        let fired = try await session.commit()
        #expect(fired.updates.map(\.action) == [.opened])
        #expect(fired.updates.first?.entry.at == t0 + .seconds(180))
        #expect(fired.updates.first?.entry.note?.contains("late") == true)
        session.tick(wallClock: t0 + .seconds(601))
        try await session.commit()
        try store.close()

        let again = try TicketStore(path: path)
        var restarted = try await Self.restore(again)
        restarted.tick(wallClock: t0 + .seconds(900))
        let nothing = try await restarted.commit()
        #expect(nothing.updates.filter { $0.action == .opened }.isEmpty)
        #expect(try await again.count(matching: TicketFilter(rule: "gate-held-open")) == 1)
        let ticket = try #require(try await again.tickets(matching: TicketFilter(rule: "gate-held-open")).first)
        #expect(ticket.evidence == ["open-1"])
        #expect(ticket.history.first?.note?.contains("late") == true)
    }

    @Test("a window half full survives a restart, and redelivered events are still recognised after it")
    func windowAndDedupSurvive() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/linli.sqlite"
        let t0 = EventTime(seconds: 1_796_169_600)
        let denials = (0..<5).map {
            Self.event(.gateDenied, EventData(credential: "card", reason: "unknown"), at: t0 + .seconds($0 * 60), id: "d\($0)")
        }
        try await Self.runOnce(at: path) { session in
            for denial in denials.prefix(3) {
                session.ingest(topic: denial.topic, payload: denial.payload(), receivedAt: denial.time)
            }
        }
        let store = try TicketStore(path: path)
        var session = try await Self.restore(store)
        for denial in denials.suffix(3) {  // d2 again (redelivered), then d3 and d4
            session.ingest(topic: denial.topic, payload: denial.payload(), receivedAt: denial.time)
        }
        let output = try await session.commit()
        #expect(output.duplicates == 1)
        #expect(output.updates.map(\.action) == [.opened])
        #expect(output.updates.first?.ticket.evidence == ["d0", "d1", "d2", "d3", "d4"])
        try store.close()
    }
}
