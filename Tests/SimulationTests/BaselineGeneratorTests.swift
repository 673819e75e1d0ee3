import LinliCore
internal import OrderedCollections
import Simulation
import Testing

@Suite struct BaselineGeneratorTests {
    static let day = Duration.seconds(86_400)
    /// 2026-11-27T00:00:00+08:00: a whole local day.
    static let midnight = RFC3339.parse("2026-11-27T00:00:00+08:00")!

    static func baseline(seed: UInt64 = 5, sites: [String] = ["zijing"]) -> [Event] {
        BaselineGenerator(registry: Fixtures.registry, sites: sites)
            .events(from: midnight, to: midnight + day, seed: seed)
            .sorted { ($0.time, $0.device, $0.type.rawValue) < ($1.time, $1.device, $1.type.rawValue) }
    }

    @Test("the baseline is the same for the same seed and differs for another")
    func deterministic() {
        #expect(Self.baseline(seed: 5) == Self.baseline(seed: 5))
        #expect(Self.baseline(seed: 5) != Self.baseline(seed: 6))
    }

    @Test("every baseline event is valid on the wire and inside the day")
    func valid() throws {
        for var event in Self.baseline() {
            event.id = "x"
            let decoded = try Event(topic: event.topic, payload: event.payload(), registry: Fixtures.registry)
            #expect(decoded == event)
            #expect(event.time >= Self.midnight && event.time < Self.midnight + Self.day)
        }
    }

    @Test("bins fill through the day below the cap and are emptied at the collections")
    func bins() {
        let fills = Self.baseline().filter { $0.device == "ZJ-B03-K" && $0.type == .binFill }
        #expect(fills.count == 96, "a reading every 15 minutes")
        let levels = fills.compactMap(\.data.fillPct)
        #expect(levels.allSatisfy { $0 <= 85 })
        #expect((levels.max() ?? 0) >= 40, "meals fill the bin")
        let clock = fills.map { (hour: (($0.time - Self.midnight).milliseconds / 3_600_000), level: $0.data.fillPct ?? 0) }
        let beforeMorning = clock.last { $0.hour == 5 }?.level ?? 0
        let afterMorning = clock.first { $0.hour == 6 }?.level ?? 100
        #expect(afterMorning < beforeMorning, "emptied at 06:00")
    }

    @Test("every device keeps a heartbeat well inside its device-offline limit")
    func heartbeats() {
        let events = Self.baseline()
        let limits: [DeviceKind: Duration] = [.bin: .seconds(7200), .gate: .seconds(1800), .care: .seconds(6 * 3600)]
        for device in Fixtures.registry[site: "zijing"]!.devices.values {
            let times = [Self.midnight] + events.filter { $0.device == device.id }.map(\.time) + [Self.midnight + Self.day]
            let longest = zip(times, times.dropFirst()).map { $1 - $0 }.max() ?? .zero
            #expect(longest < limits[device.kind]!, "\(device.id) silent for \(longest.shortText)")
        }
    }

    @Test("gates are busier in the morning and evening peaks than at night")
    func gatePeaks() {
        let passes = Self.baseline().filter { $0.type == .gatePass }
        func count(_ hours: Range<Int64>) -> Int {
            passes.filter { hours.contains(($0.time - Self.midnight).milliseconds / 3_600_000) }.count
        }
        #expect(count(7..<9) > 3 * count(1..<3))
        #expect(count(17..<19) > 3 * count(1..<3))
    }

    @Test("a resident with a deadline checks in once a day, and motion happens by day only")
    func care() {
        let events = Self.baseline()
        let checkins = events.filter { $0.type == .careCheckin }
        #expect(checkins.map(\.data.resident) == ["R-0012"])
        let motion = events.filter { $0.type == .careMotion }
        #expect(!motion.isEmpty)
        for event in motion {
            let hour = (event.time - Self.midnight).milliseconds / 3_600_000
            #expect((7..<22).contains(hour))
        }
    }

    @Test("device-silent and stops-checking-in take traffic out of the baseline")
    func silences() throws {
        let scenario = try Fixtures.scenario(
            """
            name: quiet
            sites: [zijing]
            start: 2026-11-27T00:00:00+08:00
            duration: 1d
            baseline: true
            timeline:
              - {at: 1h, device-silent: {device: ZJ-G01, for: 2h}}
              - {at: 0s, stops-checking-in: {resident: R-0012}}
            """
        )
        let messages = ScenarioGenerator(scenario: scenario, registry: Fixtures.registry).messages(start: Self.midnight)
        let events = messages.compactMap { try? Event(topic: $0.topic, payload: $0.payload, registry: Fixtures.registry) }
        #expect(events.count == messages.count)
        let gate = events.filter { $0.device == "ZJ-G01" }
        #expect(!gate.isEmpty)
        #expect(!gate.contains { $0.time >= Self.midnight + .seconds(3600) && $0.time < Self.midnight + .seconds(3 * 3600) })
        #expect(!events.contains { $0.data.resident == "R-0012" && [.careCheckin, .careMotion, .gatePass].contains($0.type) })
        #expect(events.contains { $0.device == "ZJ-C-0012" && $0.type == .careHeartbeat }, "the device itself stays alive")
    }
}
