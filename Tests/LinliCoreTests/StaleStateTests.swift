import LinliCore
import Testing

/// The engine forgets window matches and last matches that can no longer affect a decision.
@Suite("Rule engine: forgetting stale state")
struct StaleStateTests {
    typealias F = RuleFixtures

    static func denied(at minutes: Int, gate: String = "ZJ-G01") -> Event {
        F.event(.gateDenied, device: gate, at: .seconds(minutes * 60), data: EventData(credential: "card", reason: "unknown"))
    }

    @Test("a half-full window with no ticket is forgotten once no accepted event can join it, and its row goes too")
    func halfFullWindowIsForgotten() throws {
        var engine = try F.engine(rules: ["gate-denied-burst"])
        for minute in 0..<4 { _ = engine.process(Self.denied(at: minute)) }
        _ = engine.takeStateChanges()
        #expect(engine.trackedSubjects == 1)

        // Events up to an hour late are still accepted: the matches of minutes 0-3 may yet join a window.
        engine.forgetStale(before: F.t0 + .seconds(3 * 60) - .seconds(3600), budget: 10)
        #expect(engine.trackedSubjects == 1)
        #expect(engine.takeStateChanges().isEmpty)

        // Nothing older than minute 15 will come: no window of 10 minutes can include minute 3 any more.
        engine.forgetStale(before: F.t0 + .seconds(15 * 60), budget: 10)
        #expect(engine.trackedSubjects == 0)
        #expect(engine.takeStateChanges()["engine.s/gate-denied-burst/zijing/device:ZJ-G01"] == [])
    }

    @Test("the last match of a subject with an unresolved ticket is kept: the ticket still resolves after its quiet period")
    func ticketKeepsLastMatch() throws {
        var engine = try F.engine(rules: ["gate-denied-burst"])
        var opened: [TicketUpdate] = []
        for minute in 0..<5 { opened += engine.process(Self.denied(at: minute)).filter { $0.action == .opened } }
        #expect(opened.count == 1)
        _ = engine.process(Self.denied(at: 20))
        engine.forgetStale(before: F.t0 + .seconds(40 * 60), budget: 10)
        #expect(engine.trackedSubjects == 1)
        let resolved = engine.advance(to: F.t0 + .seconds(3 * 3600)).filter { $0.action == .resolved }
        #expect(resolved.map(\.entry.at) == [F.t0 + .seconds(50 * 60)], "30 minutes after the last denial, at minute 20")
    }

    @Test("sweeping after every event changes no decision: the same tickets as without it, over a day of bursts")
    func sweepingChangesNoDecision() throws {
        let rules = ["gate-denied-burst", "bin-contamination"]
        var plain = try F.engine(rules: rules)
        var swept = try F.engine(rules: rules)
        var minute = 0
        var plainUpdates: [TicketUpdate] = []
        var sweptUpdates: [TicketUpdate] = []
        for index in 0..<3000 {
            // Bursts, three-hour pauses (gate tickets go quiet) and one of a day and more (so do bin tickets).
            minute += index == 1500 ? 30 * 60 : index % 200 == 199 ? 180 : (index * 7 + index / 11) % 5
            let event =
                index.isMultiple(of: 3)
                ? F.event(
                    .binContamination,
                    device: "ZJ-B03-K",
                    at: .seconds(minute * 60),
                    data: EventData(expected: "kitchen", detected: "other", confidence: 0.9),
                    id: "c\(index)"
                )
                : F.event(
                    .gateDenied,
                    device: "ZJ-G01",
                    at: .seconds(minute * 60),
                    data: EventData(credential: "card", reason: "unknown"),
                    id: "d\(index)"
                )
            plainUpdates += plain.process(event)
            sweptUpdates += swept.process(event)
            swept.forgetStale(before: swept.now, budget: 4)
        }
        plainUpdates += plain.advance(to: F.t0 + .seconds(minute * 60 + 86_400))
        sweptUpdates += swept.advance(to: F.t0 + .seconds(minute * 60 + 86_400))
        #expect(plainUpdates.count > 100)
        #expect(Set(plainUpdates.filter { $0.action == .resolved }.map(\.ticket.rule)) == Set(rules))
        #expect(sweptUpdates.map(\.action) == plainUpdates.map(\.action))
        #expect(sweptUpdates.map(\.entry) == plainUpdates.map(\.entry))
        #expect(sweptUpdates.map(\.ticket.evidence) == plainUpdates.map(\.ticket.evidence))
    }
}
