import LinliCore
import Simulation
import Testing

@Suite struct ScenarioGeneratorTests {
    static let story = """
        name: story
        sites: [zijing]
        start: 2026-11-27T08:00:00+08:00
        duration: 30m
        timeline:
          - {at: 0s, device: ZJ-B03-K, type: linli.bin.fill, data: {fill_pct: 40}}
          - at: 90s
            bin-overflow: {device: ZJ-B03-K, readings: [55, 93], every: 2m}
          - at: 5m
            device: ZJ-G01
            type: linli.gate.denied
            data: {credential: card, reason: expired}
            repeat: {count: 3, every: 30s}
          - at: 10m
            door-held-open: {device: ZJ-G01, for: 4m}
          - at: 12m
            fall: {resident: R-0012}
          - at: 13m
            malformed: {kind: missing-time, device: ZJ-G01, count: 2, every: 10s}
        """

    static func decode(_ messages: [ScenarioMessage]) -> [Event?] {
        messages.map { try? Event(topic: $0.topic, payload: $0.payload, registry: Fixtures.registry) }
    }

    @Test("SplitMix64 produces the reference sequence for seed 0")
    func splitMixReference() {
        var random = SplitMix64(seed: 0)
        #expect(random.next() == 0xE220_A839_7B1D_CDAF)
        #expect(random.next() == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test("the same seed gives the same bytes; another seed gives other ids and nothing else")
    func deterministic() throws {
        let scenario = try Fixtures.scenario(Self.story)
        let generator = ScenarioGenerator(scenario: scenario, registry: Fixtures.registry)
        let first = generator.messages(start: Fixtures.start)
        let second = generator.messages(start: Fixtures.start)
        #expect(first == second)

        let other = generator.messages(start: Fixtures.start, seed: 99)
        #expect(other.map(\.topic) == first.map(\.topic))
        #expect(other.map(\.time) == first.map(\.time))
        let ids = Self.decode(first).compactMap { $0?.id }
        let otherIDs = Self.decode(other).compactMap { $0?.id }
        #expect(ids.count == otherIDs.count)
        #expect(Set(ids).isDisjoint(with: otherIDs))
        #expect(Set(ids).count == ids.count, "ids are unique within a run")
        for id in ids {
            #expect(id.count == 36 && id.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
        }
    }

    @Test("messages follow the scenario clock: offsets, repeats and macro steps land at the right times")
    func times() throws {
        let scenario = try Fixtures.scenario(Self.story)
        let messages = ScenarioGenerator(scenario: scenario, registry: Fixtures.registry).messages(start: Fixtures.start)
        let offsets = messages.map { ($0.time - Fixtures.start).shortText }
        #expect(offsets == ["0s", "1m30s", "3m30s", "5m", "5m30s", "6m", "10m", "12m", "13m", "13m10s", "14m"])
        let events = Self.decode(messages)
        #expect(
            events.map { $0?.type } == [
                .binFill, .binFill, .binFill, .gateDenied, .gateDenied, .gateDenied, .gateDoor, .careFall, nil, nil, .gateDoor,
            ]
        )
        #expect(events[6]?.data.state == "open")
        #expect(events[10]?.data.state == "closed")
        #expect(events[7]?.device == "ZJ-C-0012")
        #expect(events[7]?.data == EventData(confidence: 0.9, resident: "R-0012"))
        #expect(events[3]?.data == EventData(credential: "card", reason: "expired"))
        let payload = String(decoding: messages[0].payload, as: UTF8.self)
        #expect(payload.contains(#""time":"2026-11-27T08:00:00+08:00""#), "times are written in the site's offset")
    }

    @Test("a fixed id is kept on every repetition, so repeats are redeliveries")
    func fixedID() throws {
        let scenario = try Fixtures.scenario(
            """
            name: again
            sites: [zijing]
            duration: 5m
            timeline:
              - {at: 0s, device: ZJ-G01, type: linli.gate.forced, id: same-one, repeat: {count: 3, every: 1s}}
            """
        )
        let messages = ScenarioGenerator(scenario: scenario, registry: Fixtures.registry).messages(start: Fixtures.start)
        #expect(Self.decode(messages).map { $0?.id } == ["same-one", "same-one", "same-one"])
    }

    @Test("start: now resolves to the caller's time")
    func startNow() {
        #expect(ScenarioStart.now.resolve(now: Fixtures.start) == Fixtures.start)
        let fixed = ScenarioStart(text: "2026-01-01T00:00:00Z")
        #expect(fixed?.resolve(now: Fixtures.start) == EventTime(seconds: 1_767_225_600))
    }

    @Test("every malformed kind is rejected by the event decoder", arguments: MalformedKind.allCases)
    func malformedIsRejected(_ kind: MalformedKind) throws {
        for device in ["ZJ-B03-K", "ZJ-G01", "ZJ-C-0012"] {
            let scenario = try Fixtures.scenario(
                """
                name: bad
                sites: [zijing]
                duration: 1m
                timeline:
                  - {at: 0s, malformed: {kind: \(kind.rawValue), device: \(device)}}
                """
            )
            let messages = ScenarioGenerator(scenario: scenario, registry: Fixtures.registry).messages(start: Fixtures.start)
            let message = try #require(messages.first)
            #expect(throws: EventDecodingError.self, "\(kind) from \(device)") {
                try Event(topic: message.topic, payload: message.payload, registry: Fixtures.registry)
            }
        }
    }

    @Test("a raw entry is published byte for byte")
    func rawBytes() throws {
        let scenario = try Fixtures.scenario(
            """
            name: raw
            sites: [zijing]
            duration: 1m
            timeline:
              - {at: 2s, raw: {topic: linli/v1/zijing/bin/ZJ-B03-K/event, payload_base64: "/wA="}}
            """
        )
        let messages = ScenarioGenerator(scenario: scenario, registry: Fixtures.registry).messages(start: Fixtures.start)
        #expect(
            messages == [ScenarioMessage(topic: "linli/v1/zijing/bin/ZJ-B03-K/event", payload: [0xFF, 0x00], time: Fixtures.start + .seconds(2))]
        )
    }

    @Test("day-in-zijing is the same byte for byte with its seed; another seed gives another day")
    func shippedSeedDeterminism() throws {
        let (scenario, registry) = try Fixtures.loadShipped("day-in-zijing.yaml")
        let generator = ScenarioGenerator(scenario: scenario, registry: registry)
        let start = scenario.start.resolve(now: Fixtures.start)
        let first = generator.messages(start: start)
        #expect(first.count > 10_000)
        #expect(first == generator.messages(start: start))
        let other = generator.messages(start: start, seed: scenario.seed + 1)
        #expect(other.map(\.payload) != first.map(\.payload))
        #expect(other.count != first.count || other.map(\.time) != first.map(\.time), "the baseline itself changes")
    }
}
