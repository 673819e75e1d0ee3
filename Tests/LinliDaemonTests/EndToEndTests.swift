import Foundation
import LinliCore
import LinliDaemon
import TestSupport
import Testing
import TicketStore

@Suite("End to end: real broker, daemon in-process, real SQLite file", .serialized, .timeLimit(.minutes(1)))
struct EndToEndTests {
    static let now = EventTime(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))

    static func event(
        _ type: EventType,
        device: String,
        data: EventData = EventData(),
        id: String = UUID().uuidString
    )
        -> Event
    {
        Event(id: id, site: "zijing", device: device, type: type, time: now, data: data)
    }

    @Test("contract events published to the broker become the expected tickets in the SQLite file")
    func eventsBecomeTickets() async throws {
        let live = try await LiveDaemon.start(http: true, feed: true)
        try await live.publish(events: [
            Self.event(.binFill, device: "ZJ-B03-K", data: EventData(fillPct: 40)),
            Self.event(.binFill, device: "ZJ-B03-K", data: EventData(fillPct: 93)),
            Self.event(.binFill, device: "ZJ-B03-K", data: EventData(fillPct: 96)),
            Self.event(.gateForced, device: "ZJ-G01"),
            Self.event(.careSOS, device: "ZJ-C-0012", data: EventData(resident: "R-0012")),
        ])
        let store = live.store
        try await LiveDaemon.waitUntil("three tickets exist") { try await store.count(matching: TicketFilter()) == 3 }
        try await LiveDaemon.waitUntil("all five events are applied") { live.status.accepted == 5 }
        let tickets = try await store.tickets(matching: TicketFilter())
        let byRule = Dictionary(uniqueKeysWithValues: tickets.map { ($0.rule, $0) })
        #expect(Set(byRule.keys) == ["bin-full", "gate-forced", "care-sos"])
        #expect(byRule["bin-full"]?.occurrences == 2)
        #expect(byRule["bin-full"]?.subject == .device("ZJ-B03-K"))
        #expect(byRule["care-sos"]?.subject == .resident("R-0012"))
        #expect(byRule["care-sos"]?.history.first?.action == .opened)
        #expect(byRule["bin-full"]?.history.map(\.action) == [.opened, .occurred])
        try await live.stop(keepingFiles: true)

        let reopened = try TicketStore(path: live.databasePath)
        #expect(try await reopened.count(matching: TicketFilter()) == 3)
        try reopened.close()
        live.directory.remove()
    }

    @Test("the same event id delivered twice adds no occurrence")
    func redeliveryHasNoEffect() async throws {
        let live = try await LiveDaemon.start(http: true, feed: true)
        let event = Self.event(.binFill, device: "ZJ-B03-K", data: EventData(fillPct: 97), id: "dup-1")
        try await live.publish(events: [event, event])
        try await live.publish(events: [event])
        try await LiveDaemon.waitUntil("all three deliveries are handled") {
            let snapshot = live.status
            return snapshot.accepted + snapshot.duplicates == 3
        }
        let tickets = try await live.store.tickets(matching: TicketFilter(rule: "bin-full"))
        #expect(tickets.count == 1)
        #expect(tickets.first?.occurrences == 1)
        #expect(live.status.duplicates == 2)
        try await live.stop()
    }

    @Test("a burst of malformed payloads is dead-lettered and the daemon keeps ingesting")
    func malformedBurst() async throws {
        let live = try await LiveDaemon.start(http: true, feed: true)
        let topic = "linli/v1/zijing/bin/ZJ-B03-K/event"
        var bad: [(topic: String, payload: [UInt8])] = []
        for index in 0..<100 {
            switch index % 5 {
            case 0: bad.append((topic, Array("{not json \(index)".utf8)))
            case 1: bad.append((topic, Array("{\"specversion\":\"1.0\"}".utf8)))
            case 2: bad.append((topic, [0xff, 0xfe, UInt8(index)]))
            case 3: bad.append(("linli/v1/nowhere/bin/X/event", Self.event(.binFill, device: "ZJ-B03-K", data: EventData(fillPct: 10)).payload()))
            default: bad.append((topic, Array(repeating: UInt8(ascii: "a"), count: 20_000)))
            }
        }
        try await live.publish(bad)
        try await live.publish(events: [Self.event(.gateForced, device: "ZJ-G01")])
        let store = live.store
        try await LiveDaemon.waitUntil("every bad payload is dead-lettered") { try await store.deadLetterCount() == 100 }
        try await LiveDaemon.waitUntil("the valid event after them raised its ticket") {
            try await store.count(matching: TicketFilter(rule: "gate-forced")) == 1
        }
        let letters = try await store.deadLetters(limit: 200)
        let reasons = Set(letters.map(\.reason))
        #expect(reasons.isSuperset(of: ["invalid_json", "missing_attribute", "payload_too_large"]))
        #expect(letters.allSatisfy { $0.payloadPrefix.count <= DeadLetter.payloadPrefixLimit })
        try await live.stop()
    }

    @Test("an acknowledgement made through the store stops the daemon's escalation; an unacknowledged one escalates")
    func acknowledgementReachesEngine() async throws {
        let live = try await LiveDaemon.start(http: true, feed: true)
        // Both tickets' acknowledge-by time (5 minutes after the event) is 1.5 s from now.
        let time = EventTime(milliseconds: WallClock.now().milliseconds - 300_000 + 1_500)
        try await live.publish(events: [
            Event(id: "sos-1", site: "zijing", device: "ZJ-C-0012", type: .careSOS, time: time, data: EventData(resident: "R-0012")),
            Event(
                id: "fall-1",
                site: "zijing",
                device: "ZJ-C-0012",
                type: .careFall,
                time: time,
                data: EventData(confidence: 0.9, resident: "R-0012")
            ),
        ])
        let store = live.store
        try await LiveDaemon.waitUntil("both tickets exist") { try await store.count(matching: TicketFilter()) == 2 }
        let sos = try #require(try await store.tickets(matching: TicketFilter(rule: "care-sos")).first)
        _ = try await store.acknowledge(id: sos.id, actor: "test", at: WallClock.now(), note: nil)
        let fall = try #require(try await store.tickets(matching: TicketFilter(rule: "care-fall")).first)
        try await LiveDaemon.waitUntil("the unacknowledged fall ticket escalates") {
            try await store.ticket(id: fall.id)?.escalationLevel == 1
        }
        let after = try #require(try await store.ticket(id: sos.id))
        #expect(after.status == .acknowledged)
        #expect(after.escalationLevel == 0)
        #expect(!after.history.contains { $0.action == .escalated })
        try await live.stop()
    }
}
