import LinliCore
import Simulation
import Testing

@Suite struct LoadEventGeneratorTests {
    static func fleet(_ site: String, _ count: Int) throws -> LoadFleet {
        let registry = try Fixtures.configRegistry()
        return try LoadFleet(site: try #require(registry[site: site]), count: count)
    }

    @Test("a fleet takes a site's registered devices first, then made-up ones where unregistered are accepted")
    func fleet() throws {
        let fleet = try Self.fleet("beisan", 30)
        #expect(fleet.devices.count == 30)
        #expect(fleet.registeredCount == 23)
        #expect(fleet.devices.first?.id == "BS-B02-H")
        #expect(fleet.devices[23...].map(\.id).prefix(3) == ["LOAD-B-00001", "LOAD-G-00002", "LOAD-C-00003"])
        #expect(throws: LoadFleetError.notEnoughDevices(site: "zijing", registered: 68, wanted: 69)) {
            try Self.fleet("zijing", 69)
        }
    }

    @Test("every load message is a valid contract event that raises no ticket, with an id of its own")
    func valid() throws {
        let registry = try Fixtures.configRegistry()
        var generator = LoadEventGenerator(fleet: try Self.fleet("beisan", 40), runID: "run", seed: 3)
        let time = Fixtures.start
        var ids = Set<String>()
        for index in 0..<400 {
            let message = generator.message(index, at: time)
            let event = try Event(topic: message.topic, payload: message.payload, registry: registry)
            ids.insert(event.id)
            #expect(event.time == time)
            #expect((event.data.fillPct ?? 0) <= 85)
            #expect((event.data.batteryPct ?? 100) >= 60)
            #expect((event.data.celsius ?? 0) < 30)
        }
        #expect(ids.count == 400)
        #expect(ids.contains("load-run-399"))
    }

    @Test("a stamped message carries its send time to the microsecond in the extension attribute sentat")
    func stamped() throws {
        var generator = LoadEventGenerator(fleet: try Self.fleet("beisan", 2), runID: "run", seed: 3)
        let message = generator.message(0, at: Fixtures.start, stamp: true, sentAtMicroseconds: 1_764_201_600_123_456)
        let object = try JSONValue(parsing: message.payload)
        #expect(object["sentat"]?.string == "2025-11-27T00:00:00.123456Z")
        #expect(LoadEventGenerator.microsecondText(1_000_001) == "1970-01-01T00:00:01.000001Z")
        let plain = generator.message(1, at: Fixtures.start)
        #expect(try JSONValue(parsing: plain.payload)["sentat"] == nil)
    }
}
