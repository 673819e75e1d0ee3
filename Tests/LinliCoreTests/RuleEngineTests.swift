import LinliCore
import Testing

@Suite("Rule engine: single-event rules")
struct RuleEngineTests {
    /// (rule, event type, device, data, fires?) at and around each rule's boundary.
    static let boundaries: [(String, EventType, String, EventData, Bool)] = [
        ("bin-full", .binFill, "ZJ-B03-K", EventData(fillPct: 90), true),
        ("bin-full", .binFill, "ZJ-B03-K", EventData(fillPct: 89.9), false),
        ("bin-full", .binFill, "ZJ-B03-K", EventData(fillPct: 100), true),
        ("bin-overheat", .binTemperature, "ZJ-B03-K", EventData(celsius: 60), true),
        ("bin-overheat", .binTemperature, "ZJ-B03-K", EventData(celsius: 59.9), false),
        ("gate-forced", .gateForced, "ZJ-G01", EventData(), true),
        ("battery-low", .binHeartbeat, "ZJ-B03-K", EventData(batteryPct: 14.9), true),
        ("battery-low", .binHeartbeat, "ZJ-B03-K", EventData(batteryPct: 15), false),
        ("battery-low", .careHeartbeat, "ZJ-C-0012", EventData(batteryPct: 3), true),
        ("care-sos", .careSOS, "ZJ-C-0012", EventData(resident: "R-0012"), true),
        ("care-fall", .careFall, "ZJ-C-0012", EventData(confidence: 0.7, resident: "R-0012"), true),
        ("care-fall", .careFall, "ZJ-C-0012", EventData(confidence: 0.69, resident: "R-0012"), false),
    ]

    @Test("each first-cut rule fires at its boundary and not just below it", arguments: boundaries)
    func firesAtBoundary(rule: String, type: EventType, device: String, data: EventData, fires: Bool) throws {
        var engine = try RuleFixtures.engine()
        let updates = engine.process(RuleFixtures.event(type, device: device, data: data))
        let opened = updates.filter { $0.action == .opened && $0.ticket.rule == rule }
        #expect(opened.count == (fires ? 1 : 0))
        #expect(updates.allSatisfy { $0.ticket.rule == rule })
    }

    @Test("a ticket carries the rule's severity, team, SLA, subject, location and rendered title")
    func ticketFields() throws {
        var engine = try RuleFixtures.engine()
        let event = RuleFixtures.event(.binFill, device: "ZJ-B03-K", data: EventData(fillPct: 92), id: "e-1")
        let ticket = try #require(engine.process(event).first?.ticket)
        #expect(ticket.id == "T-000001")
        #expect(ticket.rule == "bin-full")
        #expect(ticket.ruleVersion.count == 16)
        #expect(ticket.severity == .medium)
        #expect(ticket.team == "sanitation")
        #expect(ticket.status == .open)
        #expect(ticket.subject == .device("ZJ-B03-K"))
        #expect(ticket.location == "Building 3, kitchen-waste station")
        #expect(ticket.lat == 34.7466)
        #expect(ticket.openedAt == RuleFixtures.t0)
        #expect(ticket.ackDueAt == RuleFixtures.t0 + .seconds(30 * 60))
        #expect(ticket.resolveDueAt == RuleFixtures.t0 + .seconds(2 * 3600))
        #expect(ticket.title == "Bin ZJ-B03-K is 92% full")
        #expect(ticket.description.contains("kitchen bin at Building 3"))
        #expect(ticket.evidence == ["e-1"])
        #expect(ticket.occurrences == 1)
    }

    @Test("while a ticket is unresolved, new triggers add occurrences instead of opening another")
    func deduplicates() throws {
        var engine = try RuleFixtures.engine()
        var updates: [TicketUpdate] = []
        for minute in 0..<5 {
            updates += engine.process(
                RuleFixtures.event(.binFill, device: "ZJ-B03-K", at: .seconds(minute * 60), data: EventData(fillPct: 95))
            )
        }
        #expect(updates.map(\.action) == [.opened, .occurred, .occurred, .occurred, .occurred])
        #expect(Set(updates.map(\.ticket.id)).count == 1)
        #expect(updates.last?.ticket.occurrences == 5)
        #expect(updates.last?.ticket.lastEventAt == RuleFixtures.t0 + .seconds(240))
        #expect(engine.unresolved.count == 1)
    }

    @Test("a burst of identical triggers at the same instant opens exactly one ticket")
    func burstOfIdenticalTriggers() throws {
        var engine = try RuleFixtures.engine()
        var opened = 0
        for _ in 0..<1000 {
            opened += engine.process(RuleFixtures.event(.gateForced, device: "ZJ-G01")).filter { $0.action == .opened }.count
        }
        #expect(opened == 1)
        #expect(engine.unresolved.values.first?.occurrences == 1000)
        #expect(engine.unresolved.values.first?.evidence.count == Ticket.evidenceLimit)
    }

    @Test("bin-full resolves itself on a later reading of 20% or less, then a new trigger opens a new ticket")
    func autoResolvesAndReopensFresh() throws {
        var engine = try RuleFixtures.engine()
        let first = engine.process(RuleFixtures.event(.binFill, device: "ZJ-B03-K", data: EventData(fillPct: 95)))
        #expect(engine.process(RuleFixtures.event(.binFill, device: "ZJ-B03-K", at: .seconds(60), data: EventData(fillPct: 21))).isEmpty)
        let resolved = engine.process(
            RuleFixtures.event(.binFill, device: "ZJ-B03-K", at: .seconds(120), data: EventData(fillPct: 20))
        )
        #expect(resolved.map(\.action) == [.resolved])
        #expect(resolved.first?.ticket.resolution == "auto")
        #expect(resolved.first?.ticket.resolvedAt == RuleFixtures.t0 + .seconds(120))
        let again = engine.process(
            RuleFixtures.event(.binFill, device: "ZJ-B03-K", at: .seconds(180), data: EventData(fillPct: 91))
        )
        #expect(again.map(\.action) == [.opened])
        #expect(again.first?.ticket.id != first.first?.ticket.id)
    }

    @Test("flapping fill readings around the threshold keep one ticket until the bin is emptied")
    func flappingReadings() throws {
        var engine = try RuleFixtures.engine()
        var actions: [HistoryEntry.Action] = []
        for (index, fill) in [91.0, 88, 90, 85, 92, 89, 50, 95].enumerated() {
            actions += engine.process(
                RuleFixtures.event(.binFill, device: "ZJ-B03-K", at: .seconds(index * 60), data: EventData(fillPct: fill))
            ).map(\.action)
        }
        #expect(actions == [.opened, .occurred, .occurred, .occurred])
    }

    @Test("gate-forced and care-sos never resolve by themselves")
    func manualOnlyRules() throws {
        var engine = try RuleFixtures.engine()
        _ = engine.process(RuleFixtures.event(.gateForced, device: "ZJ-G01"))
        _ = engine.process(RuleFixtures.event(.careSOS, device: "ZJ-C-0012", data: EventData(resident: "R-0012")))
        let later = engine.process(RuleFixtures.event(.gateDoor, device: "ZJ-G01", at: .seconds(3600), data: EventData(state: "closed")))
        #expect(later.allSatisfy { $0.action != .resolved })
        #expect(engine.unresolved.count == 2)
    }

    @Test("care tickets are keyed by resident, whichever of their devices reports")
    func residentSubject() throws {
        var engine = try RuleFixtures.engine()
        let updates = engine.process(
            RuleFixtures.event(.careSOS, device: "ZJ-C-0012", data: EventData(resident: "R-0012"))
        )
        #expect(updates.first?.ticket.subject == .resident("R-0012"))
        #expect(updates.first?.ticket.resident == "R-0012")
        #expect(updates.first?.ticket.device == nil)
    }
}

@Suite("Rule engine: escalation")
struct EscalationTests {
    @Test("care-sos escalates at its ack due time and every 10 minutes after, up to level 3")
    func sosLadder() throws {
        var engine = try RuleFixtures.engine()
        _ = engine.process(RuleFixtures.event(.careSOS, device: "ZJ-C-0012", data: EventData(resident: "R-0012")))
        #expect(engine.advance(to: RuleFixtures.t0 + .seconds(299)).isEmpty)
        let first = engine.advance(to: RuleFixtures.t0 + .seconds(300))
        #expect(first.map(\.action) == [.escalated])
        #expect(first.first?.ticket.escalationLevel == 1)
        #expect(first.first?.ticket.severity == .critical)
        let rest = engine.advance(to: RuleFixtures.t0 + .seconds(3 * 3600))
        #expect(rest.map(\.ticket.escalationLevel) == [2, 3])
        #expect(rest.map(\.entry.at) == [RuleFixtures.t0 + .seconds(900), RuleFixtures.t0 + .seconds(1500)])
    }

    @Test("bin-full escalates once: level 1 and severity one step up")
    func singleStep() throws {
        var engine = try RuleFixtures.engine()
        _ = engine.process(RuleFixtures.event(.binFill, device: "ZJ-B03-K", data: EventData(fillPct: 99)))
        let updates = engine.advance(to: RuleFixtures.t0 + .seconds(24 * 3600))
        #expect(updates.count == 1)
        #expect(updates.first?.ticket.severity == .high)
        #expect(updates.first?.ticket.escalationLevel == 1)
        #expect(updates.first?.entry.at == RuleFixtures.t0 + .seconds(30 * 60))
    }

    @Test("escalation stops once a person acknowledges the ticket")
    func stopsOnAcknowledgement() throws {
        var engine = try RuleFixtures.engine()
        var ticket = try #require(
            engine.process(RuleFixtures.event(.careSOS, device: "ZJ-C-0012", data: EventData(resident: "R-0012"))).first?.ticket
        )
        _ = engine.advance(to: RuleFixtures.t0 + .seconds(301))
        ticket.status = .acknowledged
        ticket.acknowledgedAt = RuleFixtures.t0 + .seconds(400)
        ticket.escalationLevel = 1
        engine.apply(external: ticket)
        #expect(engine.advance(to: RuleFixtures.t0 + .seconds(3 * 3600)).isEmpty)
    }

    @Test("an event's own time fires escalations that were due before it, in order")
    func eventTimeDrivesTimers() throws {
        var engine = try RuleFixtures.engine()
        _ = engine.process(RuleFixtures.event(.gateForced, device: "ZJ-G01"))
        let updates = engine.process(
            RuleFixtures.event(.binFill, device: "ZJ-B03-K", at: .seconds(600), data: EventData(fillPct: 95))
        )
        #expect(updates.map(\.action) == [.escalated, .opened])
    }

    @Test("a ticket resolved by a person frees its key: the next trigger opens a new ticket")
    func externalResolve() throws {
        var engine = try RuleFixtures.engine()
        var ticket = try #require(engine.process(RuleFixtures.event(.gateForced, device: "ZJ-G01")).first?.ticket)
        ticket.status = .resolved
        engine.apply(external: ticket)
        #expect(engine.unresolved.isEmpty)
        let next = engine.process(RuleFixtures.event(.gateForced, device: "ZJ-G01", at: .seconds(60)))
        #expect(next.map(\.action) == [.opened])
        #expect(next.first?.ticket.id == "T-000002")
    }
}
