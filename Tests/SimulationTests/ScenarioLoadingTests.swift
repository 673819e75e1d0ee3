import LinliCore
import Simulation
import Testing

@Suite struct ScenarioLoadingTests {
    @Test("the shipped smoke scenario loads against Config/sites with its three tickets expected")
    func smokeLoads() throws {
        let scenario = try Fixtures.loadShipped("smoke.yaml").scenario
        #expect(scenario.name == "smoke")
        #expect(scenario.sites == ["zijing"])
        #expect(scenario.start == .now)
        #expect(scenario.baseline == false)
        let rules = scenario.expectations.tickets.map(\.rule)
        #expect(rules == ["bin-full", "gate-forced", "care-sos"])
        #expect(scenario.expectations.tickets[0].subject == .device("ZJ-B03-K"))
        #expect(scenario.expectations.tickets[0].occurrences == 2)
        #expect(scenario.expectations.tickets[2].subject == .resident("R-0012"))
        #expect(scenario.expectations.absent.map(\.rule) == ["bin-overheat", "battery-low", "bin-full"])
        #expect(scenario.expectations.absent[2].subject == .device("ZJ-B01-K"))
        #expect(scenario.expectations.deadLetters == 2)
    }

    @Test("every valid smoke message decodes, and exactly the expected number are rejected")
    func smokeMessagesDecode() throws {
        let (scenario, registry) = try Fixtures.loadShipped("smoke.yaml")
        let messages = ScenarioGenerator(scenario: scenario, registry: registry).messages(start: Fixtures.start)
        var rejected = 0
        var fills: [Double] = []
        for message in messages {
            do {
                let event = try Event(topic: message.topic, payload: message.payload, registry: registry)
                #expect(event.time == message.time)
                if event.device == "ZJ-B03-K", let fill = event.data.fillPct { fills.append(fill) }
            } catch {
                rejected += 1
            }
        }
        #expect(rejected == scenario.expectations.deadLetters)
        #expect(fills == [55, 78, 93, 96])
    }

    @Test("a full scenario reads into the model: start with offset, macros, repeat, raw, expectations")
    func readsEveryPart() throws {
        let scenario = try Fixtures.scenario(
            """
            name: parts
            description: every part
            sites: [zijing, beisan]
            start: 2026-11-27T06:00:00+08:00
            duration: 2h
            seed: 7
            baseline: true
            timeline:
              - at: 90s
                site: zijing
                device: ZJ-B03-K
                type: linli.bin.fill
                data: {fill_pct: 92}
                id: fixed-id
                repeat: {count: 3, every: 1m}
              - at: 5m
                card-tried: {site: zijing, device: ZJ-G01, count: 4}
              - at: 6m
                raw: {topic: linli/v1/zijing/bin/ZJ-B03-K/event, payload: "{oops"}
              - at: 7m
                stops-checking-in: {site: zijing, resident: R-0012}
            expect:
              tickets:
                - {rule: bin-full, subject: "device:ZJ-B03-K", site: zijing, count: 1, severity: medium, status: open, escalation_level: 0, occurrences: 3}
              absent:
                - {rule: battery-low, subject: "device:BS-B01-K", site: beisan}
              dead_letters: 1
              exclusive: true
            """
        )
        #expect(scenario.start == .fixed(RFC3339.parse("2026-11-26T22:00:00Z")!, offsetSeconds: 8 * 3600))
        #expect(scenario.duration == .seconds(7200))
        #expect(scenario.seed == 7)
        #expect(scenario.baseline)
        #expect(scenario.timeline.count == 4)
        let first = try #require(scenario.timeline.first)
        #expect(first.at == .seconds(90))
        #expect(
            first.action
                == .event(
                    ScenarioEvent(
                        site: "zijing",
                        device: "ZJ-B03-K",
                        type: .binFill,
                        data: EventData(fillPct: 92),
                        id: "fixed-id",
                        repetition: Repetition(count: 3, every: .seconds(60))
                    )
                )
        )
        #expect(
            scenario.timeline[1].action
                == .macro(.cardTried(DeviceReference(site: "zijing", device: "ZJ-G01"), count: 4, every: .seconds(20), reason: "unknown"))
        )
        #expect(scenario.timeline[2].action == .raw(topic: "linli/v1/zijing/bin/ZJ-B03-K/event", payload: Array("{oops".utf8)))
        #expect(scenario.timeline[3].action == .macro(.stopsCheckingIn(site: "zijing", resident: "R-0012", for: nil)))
        #expect(
            scenario.expectations.tickets == [
                TicketExpectation(
                    rule: "bin-full",
                    subject: .device("ZJ-B03-K"),
                    site: "zijing",
                    severity: .medium,
                    status: .open,
                    escalationLevel: 0,
                    occurrences: 3,
                    line: 24
                )
            ]
        )
        #expect(scenario.expectations.absent == [AbsentExpectation(rule: "battery-low", subject: .device("BS-B01-K"), site: "beisan", line: 26)])
        #expect(scenario.expectations.deadLetters == 1)
        #expect(scenario.expectations.exclusive)
    }

    @Test("a care event takes its resident from the device when data leaves it out")
    func careResidentDefault() throws {
        let scenario = try Fixtures.scenario(
            """
            name: care
            sites: [zijing]
            duration: 1m
            timeline:
              - {at: 0s, device: ZJ-C-0013, type: linli.care.checkin, data: {method: kiosk}}
            """
        )
        guard case .event(let event) = scenario.timeline[0].action else {
            Issue.record("expected an event")
            return
        }
        #expect(event.data == EventData(resident: "R-0013", method: "kiosk"))
    }

    /// A bad scenario, where its first problem is reported, and a fragment of the message.
    struct BadCase: Sendable, CustomStringConvertible {
        var yaml: String
        var line: Int
        var column: Int
        var message: String
        var description: String { message }
    }

    static let header = "name: bad\nsites: [zijing]\nduration: 10m\n"

    static let badCases: [BadCase] = [
        BadCase(yaml: "name: [unclosed\n", line: 2, column: 1, message: "YAML syntax"),
        BadCase(yaml: "- just a list\n", line: 1, column: 1, message: "a scenario file must be a mapping"),
        BadCase(yaml: header + "speed: 3\n", line: 4, column: 1, message: "unknown key 'speed'"),
        BadCase(yaml: "sites: [zijing]\nduration: 1m\n", line: 1, column: 1, message: "missing required key 'name'"),
        BadCase(yaml: "name: x\nsites: [nowhere]\nduration: 1m\n", line: 2, column: 9, message: "site 'nowhere' is not in the site registry"),
        BadCase(yaml: "name: x\nsites: [zijing]\nduration: soon\n", line: 3, column: 11, message: "duration: 'soon' must be a duration"),
        BadCase(yaml: header + "start: tomorrow\n", line: 4, column: 8, message: "start: 'tomorrow' must be 'now'"),
        BadCase(yaml: header + "start: 2026-11-27T08:00:00\n", line: 4, column: 8, message: "must be 'now' or an RFC 3339 time with an offset"),
        BadCase(yaml: header + "seed: -4\n", line: 4, column: 7, message: "seed: '-4' must be a whole number"),
        BadCase(yaml: header + "baseline: maybe\n", line: 4, column: 11, message: "baseline must be true or false"),
        BadCase(
            yaml: header + "timeline:\n  - device: ZJ-G01\n    type: linli.gate.forced\n",
            line: 5,
            column: 5,
            message: "missing required key 'at'"
        ),
        BadCase(
            yaml: header + "timeline:\n  - at: 1m\n    device: ZJ-NOPE\n    type: linli.gate.forced\n",
            line: 6,
            column: 13,
            message: "device 'ZJ-NOPE' is not registered at site 'zijing'"
        ),
        BadCase(
            yaml: header + "timeline:\n  - at: 1m\n    device: ZJ-B03-K\n    type: linli.gate.forced\n",
            line: 6,
            column: 13,
            message: "'ZJ-B03-K' is a bin device; this needs a gate device"
        ),
        BadCase(
            yaml: header + "timeline:\n  - at: 1m\n    device: ZJ-B03-K\n    type: linli.bin.smell\n",
            line: 7,
            column: 11,
            message: "type 'linli.bin.smell' is not an event type"
        ),
        BadCase(
            yaml: header + "timeline:\n  - at: 1m\n    device: ZJ-B03-K\n    type: linli.bin.fill\n    data: {fill_pct: 150}\n",
            line: 8,
            column: 22,
            message: "data: fill_pct must be from 0 to 100, not 150"
        ),
        BadCase(
            yaml: header + "timeline:\n  - at: 1m\n    device: ZJ-B03-K\n    type: linli.bin.fill\n    data: {celsius: 20}\n",
            line: 8,
            column: 12,
            message: "'celsius' is not a field of linli.bin.fill"
        ),
        BadCase(
            yaml: header + "timeline:\n  - at: 1m\n    device: ZJ-B03-K\n    type: linli.bin.fill\n",
            line: 5,
            column: 5,
            message: "data: linli.bin.fill needs 'fill_pct'"
        ),
        BadCase(
            yaml: header + "timeline:\n  - at: 1m\n    device: ZJ-G01\n    type: linli.gate.forced\n    colour: red\n",
            line: 8,
            column: 5,
            message: "unknown key 'colour'"
        ),
        BadCase(
            yaml: header + "timeline:\n  - at: 11m\n    gate-forced: {device: ZJ-G01}\n",
            line: 5,
            column: 9,
            message: "ends at 11m, after the scenario's end (duration 10m)"
        ),
        BadCase(
            yaml: header + "timeline:\n  - at: 8m\n    device: ZJ-G01\n    type: linli.gate.forced\n    repeat: {count: 5, every: 1m}\n",
            line: 5,
            column: 9,
            message: "ends at 12m"
        ),
        BadCase(
            yaml: header + "timeline:\n  - at: 1m\n    gate-forced: {device: ZJ-G01}\n    sos: {resident: R-0012}\n",
            line: 5,
            column: 5,
            message: "has 'gate-forced' and 'sos'"
        ),
        BadCase(
            yaml: header + "timeline:\n  - at: 1m\n",
            line: 5,
            column: 5,
            message: "timeline entry needs one of"
        ),
        BadCase(
            yaml: header + "timeline:\n  - at: 1m\n    card-tried: {device: ZJ-G01, count: 0}\n",
            line: 6,
            column: 41,
            message: "card-tried: count must be at least 1, not 0"
        ),
        BadCase(
            yaml: header + "timeline:\n  - at: 1m\n    sos: {resident: R-9999}\n",
            line: 6,
            column: 21,
            message: "sos: resident 'R-9999' is not a registered resident"
        ),
        BadCase(
            yaml: header + "timeline:\n  - at: 1m\n    sos: {resident: R-0012, device: ZJ-C-0013}\n",
            line: 6,
            column: 37,
            message: "belongs to resident 'R-0013', not 'R-0012'"
        ),
        BadCase(
            yaml: header + "timeline:\n  - at: 1m\n    malformed: {kind: rude}\n",
            line: 6,
            column: 23,
            message: "malformed: kind must be one of not-json"
        ),
        BadCase(
            yaml: header + "timeline:\n  - at: 1m\n    raw: {topic: \"linli/#\", payload: x}\n",
            line: 6,
            column: 18,
            message: "must not contain the wildcards"
        ),
        BadCase(
            yaml: header + "expect:\n  tickets:\n    - rule: bin-full\n      subject: ZJ-B03-K\n",
            line: 7,
            column: 16,
            message: "subject: 'ZJ-B03-K' must be device:ID or resident:ID"
        ),
        BadCase(
            yaml: header + "expect:\n  tickets:\n    - rule: bin-full\n      subject: \"device:ZJ-B99\"\n",
            line: 7,
            column: 16,
            message: "device 'ZJ-B99' is not registered"
        ),
        BadCase(
            yaml: header + "expect:\n  tickets:\n    - rule: bin-full\n      severity: urgent\n",
            line: 7,
            column: 17,
            message: "severity must be one of low, medium, high, critical"
        ),
        BadCase(
            yaml: header + "expect:\n  tickets:\n    - rule: bin-full\n      level: 1\n",
            line: 7,
            column: 7,
            message: "expected ticket: unknown key 'level'"
        ),
        BadCase(yaml: header + "expect:\n  absent:\n    - Bin_Full\n", line: 6, column: 7, message: "rule: 'Bin_Full' is not a rule id"),
        BadCase(yaml: header + "expect:\n  dead_letters: many\n", line: 5, column: 17, message: "dead_letters must be a whole number"),
    ]

    @Test("a bad scenario is reported with file:line:column and what is wrong", arguments: badCases)
    func reportsPosition(_ bad: BadCase) {
        do {
            _ = try Fixtures.scenario(bad.yaml)
            Issue.record("loaded a bad scenario: \(bad.yaml)")
        } catch {
            let issue = error.issues.first { $0.message.contains(bad.message) }
            #expect(issue != nil, "no issue mentions \(bad.message): \(error)")
            #expect(issue?.file == "test.yaml")
            #expect(issue?.line == bad.line, "\(error)")
            #expect(issue?.column == bad.column, "\(error)")
        }
    }

    @Test("every problem in a file is reported, not only the first")
    func reportsAllProblems() {
        let text = "name: x\nsites: [zijing]\nduration: 1m\nspeed: 2\nseed: x\n"
        #expect(throws: ConfigurationError.self) { try Fixtures.scenario(text) }
        do {
            _ = try Fixtures.scenario(text)
        } catch {
            #expect(error.issues.map(\.line) == [4, 5])
            #expect(error.description.contains("test.yaml:4:1: scenario: unknown key 'speed'"))
        }
    }

    @Test("with several sites, an entry's site is the one that registers its device or resident")
    func siteFromDevice() throws {
        let scenario = try Fixtures.scenario(
            """
            name: two
            sites: [zijing, beisan]
            duration: 5m
            timeline:
              - {at: 0s, device: BS-B01-K, type: linli.bin.fill, data: {fill_pct: 40}}
              - {at: 1s, gate-forced: {device: ZJ-G01}}
              - {at: 2s, sos: {resident: R-0012}}
            """
        )
        let messages = ScenarioGenerator(scenario: scenario, registry: Fixtures.registry).messages(start: Fixtures.start)
        #expect(
            messages.map(\.topic) == [
                "linli/v1/beisan/bin/BS-B01-K/event", "linli/v1/zijing/gate/ZJ-G01/event",
                "linli/v1/zijing/care/ZJ-C-0012/event",
            ]
        )
    }

    @Test("with several sites, an entry whose device no site registers must name its site")
    func siteNeeded() {
        let text = "name: x\nsites: [zijing, beisan]\nduration: 1m\ntimeline:\n  - {at: 0s, gate-forced: {device: XX-G9}}\n"
        do {
            _ = try Fixtures.scenario(text)
            Issue.record("loaded a scenario whose entry has no site")
        } catch {
            #expect(error.description.contains("test.yaml:5:27: missing key 'site'"), "\(error)")
        }
    }
}
