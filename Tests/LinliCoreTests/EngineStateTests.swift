import LinliCore
internal import OrderedCollections
import Testing

/// Restart safety and time handling of the engine and processor, with explicit times.
@Suite("Rule engine: persisted state, lateness, determinism")
struct EngineStateTests {
    typealias F = RuleFixtures

    /// Restores a new engine from an old one's tickets and state blobs, as the daemon does after a restart.
    static func restart(_ engine: inout RuleEngine, blobs: inout [String: [UInt8]], rules: [String]) throws -> RuleEngine {
        blobs.merge(engine.takeStateChanges()) { _, new in new }
        let all = try F.shippedRules()
        return RuleEngine(
            rules: RuleSet(rules: rules.compactMap { all[$0] }),
            registry: F.registry,
            nextTicketNumber: engine.nextTicketNumber,
            unresolved: Array(engine.unresolved.values),
            state: blobs
        )
    }

    @Test("a held-open deadline pending at a restart fires once after it, marked late when caught up")
    func pendingDeadlineSurvivesRestart() throws {
        let rules = ["gate-held-open"]
        var engine = try F.engine(rules: rules)
        var blobs: [String: [UInt8]] = [:]
        _ = engine.process(F.event(.gateDoor, device: "ZJ-G01", data: EventData(state: "open"), id: "o1"))
        var restarted = try Self.restart(&engine, blobs: &blobs, rules: rules)
        let caughtUp = restarted.advance(to: F.t0 + .seconds(600), late: true)
        #expect(caughtUp.map(\.action) == [.opened])
        #expect(caughtUp.first?.entry.at == F.t0 + .seconds(180))
        #expect(caughtUp.first?.entry.note?.contains("late") == true)
        #expect(restarted.advance(to: F.t0 + .seconds(3600)).filter { $0.action == .opened }.isEmpty)
    }

    @Test("a window half full at a restart completes after it; last-seen times and ticket numbers carry over")
    func windowAndSilenceSurviveRestart() throws {
        let rules = ["gate-denied-burst", "device-offline"]
        var engine = try F.engine(rules: rules)
        var blobs: [String: [UInt8]] = [:]
        for minute in 0..<4 {
            _ = engine.process(
                F.event(.gateDenied, device: "ZJ-G01", at: .seconds(minute * 60), data: EventData(credential: "card", reason: "unknown"))
            )
        }
        var restarted = try Self.restart(&engine, blobs: &blobs, rules: rules)
        #expect(restarted.trackedSubjects == engine.trackedSubjects)
        let fifth = restarted.process(
            F.event(.gateDenied, device: "ZJ-G01", at: .seconds(5 * 60), data: EventData(credential: "card", reason: "unknown"))
        )
        #expect(fifth.filter { $0.action == .opened }.map(\.ticket.rule) == ["gate-denied-burst"])
        // The gate's last sign of life (5 min) carried over: offline 30 min after it, not after the restart.
        let offline = restarted.advance(to: F.t0 + .seconds(35 * 60)).filter { $0.ticket.rule == "device-offline" }
        #expect(offline.contains { $0.ticket.subject == .device("ZJ-G01") && $0.entry.at == F.t0 + .seconds(35 * 60) })
    }

    @Test(
        "a subject never heard from is silent since the first start across a restart, without a state row of its own; one added while stopped, since the restart"
    )
    func neverHeardSubjectsAcrossRestart() throws {
        var engine = try F.engine(rules: ["device-offline"])
        _ = engine.process(F.event(.binFill, device: "ZJ-B03-K", at: .seconds(5), data: EventData(fillPct: 30)))
        var blobs = engine.takeStateChanges()
        // One state row, the bin's: the silent gate and care device are in the roster.
        #expect(blobs.keys.filter { $0.hasPrefix("engine.s/") } == ["engine.s/device-offline/zijing/device:ZJ-B03-K"])
        #expect(blobs["engine.roster"] != nil)
        _ = engine.process(F.event(.binFill, device: "ZJ-B03-K", at: .seconds(20 * 60), data: EventData(fillPct: 40)))
        blobs.merge(engine.takeStateChanges()) { _, new in new }
        #expect(blobs["engine.roster"] != nil, "the roster is written once and kept")

        var registry = F.registry
        registry.sites["zijing"]?.devices["ZJ-G09"] = Device(id: "ZJ-G09", kind: .gate, location: "New gate")
        var restarted = RuleEngine(
            rules: engine.rules,
            registry: registry,
            nextTicketNumber: engine.nextTicketNumber,
            unresolved: Array(engine.unresolved.values),
            state: blobs
        )
        let rows = restarted.takeStateChanges().keys.filter { $0.hasPrefix("engine.s/") }
        #expect(rows == ["engine.s/device-offline/zijing/device:ZJ-G09"], "only the new gate needs a row of its own")
        let offline = restarted.advance(to: F.t0 + .seconds(60 * 60)).filter { $0.action == .opened }
        let gates = offline.filter { $0.ticket.subject != .device("ZJ-B03-K") && $0.ticket.subject != .device("ZJ-C-0012") }
        // The gate's 30-minute limit: from the first event (5 s) for the rostered gate, from the clock at the
        // restart (20 min) for the new one.
        #expect(gates.map(\.ticket.subject) == [.device("ZJ-G01"), .device("ZJ-G09")])
        #expect(gates.map(\.entry.at) == [F.t0 + .seconds(5 + 30 * 60), F.t0 + .seconds(50 * 60)])
    }

    @Test("an unacknowledged ticket's escalation due while the daemon was down fires once, late")
    func escalationAfterRestart() throws {
        let rules = ["care-sos"]
        var engine = try F.engine(rules: rules)
        var blobs: [String: [UInt8]] = [:]
        _ = engine.process(F.event(.careSOS, device: "ZJ-C-0012", data: EventData(resident: "R-0012")))
        var restarted = try Self.restart(&engine, blobs: &blobs, rules: rules)
        let late = restarted.advance(to: F.t0 + .seconds(16 * 60), late: true)
        #expect(late.map(\.ticket.escalationLevel) == [1, 2])
        #expect(late.map(\.entry.at) == [F.t0 + .seconds(5 * 60), F.t0 + .seconds(15 * 60)])
        #expect(late.allSatisfy { $0.entry.note?.contains("late") == true })
        #expect(restarted.advance(to: F.t0 + .seconds(24 * 60)).isEmpty)
    }

    /// A day of mixed traffic for one gate, one bin and one resident.
    static func traffic() -> [Event] {
        var events: [Event] = []
        for minute in stride(from: 0, to: 600, by: 7) {
            events.append(
                F.event(.binFill, device: "ZJ-B03-K", at: .seconds(minute * 60), data: EventData(fillPct: Double(minute % 100)), id: "f\(minute)")
            )
            if minute % 3 == 0 {
                events.append(
                    F.event(
                        .gateDenied,
                        device: "ZJ-G01",
                        at: .seconds(minute * 60 + 5),
                        data: EventData(credential: "qr", reason: "expired"),
                        id: "d\(minute)"
                    )
                )
            }
            if minute == 301 {
                for step in 0..<5 {
                    events.append(
                        F.event(
                            .gateDenied,
                            device: "ZJ-G01",
                            at: .seconds(minute * 60 + step * 30),
                            data: EventData(credential: "card", reason: "revoked"),
                            id: "b\(step)"
                        )
                    )
                }
            }
            if minute % 50 == 0 {
                events.append(F.event(.gateDoor, device: "ZJ-G01", at: .seconds(minute * 60 + 9), data: EventData(state: "open"), id: "o\(minute)"))
            }
        }
        return events
    }

    @Test("the same events give the same tickets whole, in chunks with restarts, and with clock advances between")
    func batchingDoesNotMatter() throws {
        let rules = (try F.shippedRules()).rules.map(\.id)
        var whole = try F.engine(rules: rules)
        let events = Self.traffic()
        let expected = events.flatMap { whole.process($0) }

        var chunked = try F.engine(rules: rules)
        var blobs: [String: [UInt8]] = [:]
        var actual: [TicketUpdate] = []
        for (index, event) in events.enumerated() {
            actual += chunked.process(event)
            if index % 37 == 36 {
                actual += chunked.advance(to: event.time)
                chunked = try Self.restart(&chunked, blobs: &blobs, rules: rules)
            }
        }
        #expect(actual.count == expected.count)
        #expect(actual == expected)
        #expect(Set(expected.map(\.ticket.rule)).isSuperset(of: ["bin-full", "gate-denied-burst", "gate-held-open"]))
    }

    @Test("events behind the clock by more than the lateness are rejected as too_late; ahead of the wall clock, too_early")
    func lateness() throws {
        var processor = EventProcessor(engine: try F.engine(), lateness: .seconds(600), futureTolerance: .seconds(60))
        var output = ProcessorOutput()
        func ingest(_ event: Event, wall: EventTime? = nil) {
            processor.ingest(topic: event.topic, payload: event.payload(), receivedAt: F.t0, wallClock: wall, into: &output)
        }
        ingest(F.event(.gateForced, device: "ZJ-G01", at: .seconds(3600)))
        ingest(F.event(.binFill, device: "ZJ-B03-K", at: .seconds(3000), data: EventData(fillPct: 95)))
        ingest(F.event(.binFill, device: "ZJ-B03-K", at: .seconds(2999), data: EventData(fillPct: 95)))
        ingest(F.event(.gateForced, device: "ZJ-G01", at: .seconds(3700)), wall: F.t0 + .seconds(3600))
        #expect(output.accepted == 2)
        #expect(output.deadLetters.map(\.reason) == ["too_late", "too_early"])
        #expect(output.deadLetters.first?.detail.contains("10m") == true)
        #expect(output.updates.filter { $0.action == .opened }.map(\.ticket.rule) == ["gate-forced", "bin-full"])
    }

    @Test("a redelivered event (same source and id) has no second effect")
    func redelivery() throws {
        var processor = EventProcessor(engine: try F.engine())
        var output = ProcessorOutput()
        let event = F.event(.binFill, device: "ZJ-B03-K", data: EventData(fillPct: 99), id: "same")
        for _ in 0..<3 { processor.apply(event, into: &output) }
        #expect(output.accepted == 1)
        #expect(output.duplicates == 2)
        #expect(output.updates.count == 1)
    }

    @Test("a reload keeps tickets and the state of rules that remain")
    func reloadKeepsState() throws {
        var engine = try F.engine(rules: ["gate-held-open", "bin-full"])
        _ = engine.process(F.event(.binFill, device: "ZJ-B03-K", data: EventData(fillPct: 99)))
        _ = engine.process(F.event(.gateDoor, device: "ZJ-G01", at: .seconds(10), data: EventData(state: "open")))
        let all = try F.shippedRules()
        engine.reload(rules: RuleSet(rules: ["gate-held-open", "bin-full", "gate-forced"].compactMap { all[$0] }), registry: F.registry)
        #expect(engine.unresolved.count == 1)
        let fired = engine.advance(to: F.t0 + .seconds(190))
        #expect(fired.map(\.ticket.rule) == ["gate-held-open"])
        #expect(fired.first?.ticket.id == "T-000002")
    }
}
