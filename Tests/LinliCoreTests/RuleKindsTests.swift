import LinliCore
import Testing

/// Windows, held-open deadlines, absences and daily deadlines, with explicit event times (no clocks).
@Suite("Rule engine: windows, deadlines and absences")
struct RuleKindsTests {
    typealias F = RuleFixtures

    static func contamination(at minutes: Double, confidence: Double = 0.9, id: String? = nil) -> Event {
        F.event(
            .binContamination,
            device: "ZJ-B03-K",
            at: .milliseconds(Int64(minutes * 60_000)),
            data: EventData(expected: "kitchen", detected: "recyclable", confidence: confidence),
            id: id
        )
    }

    static func opened(_ updates: [TicketUpdate], _ rule: String) -> [TicketUpdate] {
        updates.filter { $0.action == .opened && $0.ticket.rule == rule }
    }

    @Test("bin-contamination fires on the third match within 60 minutes, with the three events as evidence")
    func windowFires() throws {
        var engine = try F.engine(rules: ["bin-contamination"])
        var updates: [TicketUpdate] = []
        for (minute, id) in [(0.0, "c1"), (30, "c2"), (60, "c3")] {
            updates += engine.process(Self.contamination(at: minute, id: id))
        }
        let ticket = try #require(Self.opened(updates, "bin-contamination").first?.ticket)
        #expect(ticket.evidence == ["c1", "c2", "c3"])
        #expect(ticket.openedAt == F.t0 + .seconds(3600))
        #expect(ticket.severity == .low && ticket.team == "volunteers")
    }

    @Test("the window edge: three matches spread over 60 minutes and 1 ms do not fire; low confidence never counts")
    func windowEdge() throws {
        var engine = try F.engine(rules: ["bin-contamination"])
        var updates: [TicketUpdate] = []
        updates += engine.process(Self.contamination(at: 0))
        updates += engine.process(Self.contamination(at: 30))
        updates += engine.process(
            F.event(
                .binContamination,
                device: "ZJ-B03-K",
                at: .milliseconds(3_600_001),
                data: EventData(expected: "kitchen", detected: "recyclable", confidence: 0.9)
            )
        )
        updates += engine.process(Self.contamination(at: 61, confidence: 0.79))
        #expect(Self.opened(updates, "bin-contamination").isEmpty)
    }

    @Test("an out-of-order match within the lateness still completes the window")
    func windowOutOfOrder() throws {
        var engine = try F.engine(rules: ["bin-contamination"])
        var updates: [TicketUpdate] = []
        updates += engine.process(Self.contamination(at: 0, id: "a"))
        updates += engine.process(Self.contamination(at: 50, id: "c"))
        updates += engine.process(Self.contamination(at: 20, id: "b"))
        #expect(Self.opened(updates, "bin-contamination").first?.ticket.evidence == ["a", "b", "c"])
    }

    @Test("every denial beyond the fifth within the window adds an occurrence, however many came before")
    func longBurstCountsEveryTrigger() throws {
        var engine = try F.engine(rules: ["gate-denied-burst"])
        var updates: [TicketUpdate] = []
        for index in 0..<12 {
            updates += engine.process(
                F.event(.gateDenied, device: "ZJ-G01", at: .seconds(index * 20), data: EventData(credential: "card", reason: "unknown"))
            )
        }
        #expect(updates.map(\.action) == [.opened] + Array(repeating: .occurred, count: 7))
        #expect(updates.last?.ticket.occurrences == 8)
    }

    @Test("gate-denied-burst resolves itself after 30 minutes without a denial")
    func quietResolution() throws {
        var engine = try F.engine(rules: ["gate-denied-burst"])
        var updates: [TicketUpdate] = []
        for minute in 0..<5 {
            updates += engine.process(
                F.event(
                    .gateDenied,
                    device: "ZJ-G01",
                    at: .seconds(minute * 60),
                    data: EventData(credential: "card", reason: "unknown")
                )
            )
        }
        #expect(Self.opened(updates, "gate-denied-burst").count == 1)
        // One more denial 20 minutes later restarts the quiet period.
        updates = engine.process(
            F.event(.gateDenied, device: "ZJ-G01", at: .seconds(24 * 60), data: EventData(credential: "code", reason: "expired"))
        )
        #expect(engine.advance(to: F.t0 + .seconds(34 * 60)).isEmpty)
        let resolved = engine.advance(to: F.t0 + .seconds(54 * 60))
        #expect(resolved.map(\.action) == [.resolved])
        #expect(resolved.first?.entry.at == F.t0 + .seconds(54 * 60))
    }

    @Test("gate-held-open fires 3 minutes after open with no close, and resolves when the gate closes")
    func heldOpen() throws {
        var engine = try F.engine(rules: ["gate-held-open"])
        #expect(engine.process(F.event(.gateDoor, device: "ZJ-G01", data: EventData(state: "open"), id: "o1")).isEmpty)
        #expect(engine.advance(to: F.t0 + .seconds(179)).isEmpty)
        let fired = engine.advance(to: F.t0 + .seconds(180))
        #expect(fired.map(\.action) == [.opened])
        #expect(fired.first?.ticket.evidence == ["o1"])
        #expect(fired.first?.ticket.title == "Gate ZJ-G01 held open")
        let closed = engine.process(F.event(.gateDoor, device: "ZJ-G01", at: .seconds(400), data: EventData(state: "closed")))
        #expect(closed.map(\.action) == [.resolved])
    }

    @Test("a gate that closes within 3 minutes raises nothing; a second open does not extend the first")
    func closedInTime() throws {
        var engine = try F.engine(rules: ["gate-held-open"])
        var updates = engine.process(F.event(.gateDoor, device: "ZJ-G01", data: EventData(state: "open")))
        updates += engine.process(F.event(.gateDoor, device: "ZJ-G01", at: .seconds(179), data: EventData(state: "closed")))
        updates += engine.advance(to: F.t0 + .seconds(600))
        #expect(updates.isEmpty)
        updates += engine.process(F.event(.gateDoor, device: "ZJ-G01", at: .seconds(700), data: EventData(state: "open")))
        updates += engine.process(F.event(.gateDoor, device: "ZJ-G01", at: .seconds(800), data: EventData(state: "open")))
        updates += engine.advance(to: F.t0 + .seconds(880))
        #expect(updates.map(\.entry.at) == [F.t0 + .seconds(880)])
    }

    @Test("device-offline fires at each kind's limit of silence, resolves on the next event, and fires again later")
    func deviceOffline() throws {
        var engine = try F.engine(rules: ["device-offline"])
        _ = engine.advance(to: F.t0)
        let gate = engine.advance(to: F.t0 + .seconds(30 * 60))
        #expect(gate.map(\.ticket.subject) == [.device("ZJ-G01")])
        let resolved = engine.process(F.event(.gateHeartbeat, device: "ZJ-G01", at: .seconds(40 * 60)))
        #expect(resolved.map(\.action) == [.resolved])
        let later = engine.advance(to: F.t0 + .seconds(70 * 60))
        #expect(later.map(\.ticket.subject) == [.device("ZJ-G01")])
        #expect(later.first?.ticket.openedAt == F.t0 + .seconds(70 * 60))
        let bin = engine.advance(to: F.t0 + .seconds(2 * 3600))
        #expect(Self.opened(bin, "device-offline").map(\.ticket.subject) == [.device("ZJ-B03-K")])
        let care = engine.advance(to: F.t0 + .seconds(6 * 3600))
        #expect(Self.opened(care, "device-offline").map(\.ticket.subject) == [.device("ZJ-C-0012")])
        // Still silent: escalations, but no second ticket for the same silence.
        #expect(Self.opened(engine.advance(to: F.t0 + .seconds(48 * 3600)), "device-offline").isEmpty)
    }

    @Test("care-no-activity watches residents living alone: motion and gate passes carrying them reset the silence")
    func noActivity() throws {
        var engine = try F.engine(rules: ["care-no-activity"])
        _ = engine.advance(to: F.t0)
        _ = engine.process(F.event(.careMotion, device: "ZJ-C-0012", at: .seconds(20 * 3600), data: EventData(resident: "R-0012")))
        _ = engine.process(
            F.event(
                .gatePass,
                device: "ZJ-G01",
                at: .seconds(30 * 3600),
                data: EventData(credential: "card", direction: "out", resident: "R-0012")
            )
        )
        #expect(engine.advance(to: F.t0 + .seconds(54 * 3600) - .milliseconds(1)).isEmpty)
        let fired = engine.advance(to: F.t0 + .seconds(54 * 3600))
        #expect(fired.map(\.ticket.subject) == [.resident("R-0012")])
        #expect(fired.first?.ticket.location == "Building 5, unit 2")
        #expect(fired.first?.ticket.title == "No sign of life for 24 hours: resident R-0012")
        let back = engine.process(
            F.event(.careCheckin, device: "ZJ-C-0012", at: .seconds(55 * 3600), data: EventData(resident: "R-0012", method: "button"))
        )
        #expect(back.last?.action == .resolved)
        #expect(back.last?.ticket.resolvedAt == F.t0 + .seconds(55 * 3600))
    }

    @Test("care-missed-checkin fires at the local deadline (10:00 Asia/Shanghai) unless checked in since local midnight")
    func missedCheckin() throws {
        var engine = try F.engine(rules: ["care-missed-checkin"])
        // t0 is 08:00 local on 2 December; the deadline is 10:00 local = 02:00Z.
        _ = engine.advance(to: F.t0)
        let fired = engine.advance(to: F.t0 + .seconds(2 * 3600))
        #expect(fired.map(\.entry.at) == [F.t0 + .seconds(2 * 3600)])
        // A check-in at 23:59 local on 2 December does not count for 3 December.
        let resolved = engine.process(
            F.event(.careCheckin, device: "ZJ-C-0012", at: .seconds(16 * 3600 - 60), data: EventData(resident: "R-0012", method: "button"))
        )
        #expect(resolved.last?.action == .resolved)
        let nextDay = engine.advance(to: F.t0 + .seconds(26 * 3600))
        #expect(nextDay.filter { $0.action == .opened }.map(\.entry.at) == [F.t0 + .seconds(26 * 3600)])
        // A check-in at 09:59 local on 4 December avoids that day's ticket.
        _ = engine.process(
            F.event(.careCheckin, device: "ZJ-C-0012", at: .seconds(49 * 3600 + 59 * 60), data: EventData(resident: "R-0012", method: "kiosk"))
        )
        #expect(engine.advance(to: F.t0 + .seconds(50 * 3600)).filter { $0.action == .opened }.isEmpty)
    }

    @Test("daily deadlines follow the local clock across a daylight-saving change (America/New_York, 8 March 2026)")
    func missedCheckinAcrossDST() throws {
        let site = Site(
            id: "ny",
            name: "New York test",
            timeZone: "America/New_York",
            devices: [Device(id: "NY-C-1", kind: .care, location: "Apt 1", resident: "R-1")],
            residents: [Resident(id: "R-1", livingAlone: true, checkinBy: 600)]
        )
        let registry = SiteRegistry(sites: [site])
        var engine = try F.engine(rules: ["care-missed-checkin"], registry: registry)
        // 2026-03-07T00:00:00Z; 10:00 EST on 7 March is 15:00Z, 10:00 EDT on 8 March is 14:00Z.
        let start = EventTime(seconds: 1_772_841_600)
        _ = engine.advance(to: start)
        let seventh = engine.advance(to: start + .seconds(15 * 3600))
        #expect(seventh.map(\.entry.at) == [start + .seconds(15 * 3600)])
        _ = engine.process(
            Event(
                id: "ci",
                site: "ny",
                device: "NY-C-1",
                type: .careCheckin,
                time: start + .seconds(16 * 3600),
                data: EventData(resident: "R-1", method: "button")
            )
        )
        let eighth = engine.advance(to: start + .seconds(38 * 3600)).filter { $0.action == .opened }
        #expect(eighth.map(\.entry.at) == [start + .seconds(38 * 3600)])
    }
}
