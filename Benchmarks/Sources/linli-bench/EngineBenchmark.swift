import LinliCore

/// `engine`: nanoseconds of CPU time per event of the core alone (decode and validate, de-duplicate, run the rules, and
/// encode the changed engine state once per 1,024 events, as a commit does), with no store and no broker;
/// then with 10× the rules and with 10× the subjects.
///
/// 10× the rules comes two ways: the catalogue plus 9 copies of every rule scoped to other sites
/// (`… && site == "elsewhere-k"`, what a multi-community deployment looks like: each event is shown to every
/// rule of its type, and only its own community's match), and 10 plain copies of the catalogue (every
/// event matches 10× the rules, so 10× the rule work is expected). 10× the subjects is a registry with 10×
/// the devices and residents, the same number of events spread over them.
///
/// Timed in process CPU time (best of three passes), so other work on the machine skews it less than wall time.
struct EngineBenchmark {
    let settings: BenchSettings
    let fleet: BenchFleet

    /// Generated messages: topics, payloads and their event times.
    struct Messages {
        var topics: [String] = []
        var payloads: [[UInt8]] = []
        var times: [EventTime] = []
    }

    static func messages(_ fleet: BenchFleet, count: Int, seed: UInt64, prefix: String) -> Messages {
        var generator = TrafficGenerator(fleet: fleet, start: ReplayBenchmark.start, seed: seed, idPrefix: prefix)
        var messages = Messages()
        messages.topics.reserveCapacity(count)
        messages.payloads.reserveCapacity(count)
        messages.times.reserveCapacity(count)
        for _ in 0..<count {
            let event = generator.next()
            messages.topics.append(event.topic)
            messages.payloads.append(event.payload())
            messages.times.append(event.time)
        }
        return messages
    }

    /// Best of `passes` timed passes over `messages` (a fresh engine each pass; the first 5 % warm up), and the
    /// best time of a pass's first event with the encoding of the state it changed: the start of watching, which
    /// arms every watched subject.
    static func nanosecondsPerEvent(
        rules: RuleSet,
        registry: SiteRegistry,
        messages: Messages,
        passes: Int = 3
    ) -> (nanoseconds: Double, updates: Int, firstEventMilliseconds: Double) {
        var best = Double.infinity
        var bestFirst = Double.infinity
        var updates = 0
        let warmUp = messages.topics.count / 20
        for _ in 0..<passes {
            var processor = EventProcessor(engine: RuleEngine(rules: rules, registry: registry), futureTolerance: nil)
            var output = ProcessorOutput()
            let firstBegan = Machine.cpuSeconds()
            processor.ingest(topic: messages.topics[0], payload: messages.payloads[0], receivedAt: messages.times[0], into: &output)
            _ = processor.engine.takeStateChanges()
            bestFirst = min(bestFirst, (Machine.cpuSeconds() - firstBegan) * 1e3)
            for index in 1..<warmUp {
                processor.ingest(
                    topic: messages.topics[index],
                    payload: messages.payloads[index],
                    receivedAt: messages.times[index],
                    into: &output
                )
            }
            _ = processor.engine.takeStateChanges()
            output.removeAll()
            var changes = 0
            let began = Machine.cpuSeconds()
            for index in warmUp..<messages.topics.count {
                processor.ingest(
                    topic: messages.topics[index],
                    payload: messages.payloads[index],
                    receivedAt: messages.times[index],
                    into: &output
                )
                if index & 1023 == 0 {
                    changes += processor.engine.takeStateChanges().count + output.updates.count
                    output.removeAll()
                }
            }
            changes += processor.engine.takeStateChanges().count
            let elapsed = (Machine.cpuSeconds() - began) * 1e9
            best = min(best, elapsed / Double(messages.topics.count - warmUp))
            updates = changes
        }
        return (best, updates, bestFirst)
    }

    /// Best of three passes of decoding alone.
    static func decodeNanoseconds(registry: SiteRegistry, messages: Messages) -> Double {
        var best = Double.infinity
        for _ in 0..<3 {
            var valid = 0
            let began = Machine.cpuSeconds()
            for index in messages.topics.indices {
                if (try? Event(topic: messages.topics[index], payload: messages.payloads[index], registry: registry)) != nil {
                    valid += 1
                }
            }
            best = min(best, (Machine.cpuSeconds() - began) * 1e9 / Double(messages.topics.count))
            precondition(valid == messages.topics.count, "generated events must all be valid")
        }
        return best
    }

    func run() throws -> [Figure] {
        let rules = try settings.loadRules()
        let count = settings.engineMessages
        BenchSettings.note("engine: generating \(count) messages over \(fleet.members.count) devices")
        let messages = Self.messages(fleet, count: count, seed: 11, prefix: "n")
        let decode = Self.decodeNanoseconds(registry: fleet.registry, messages: messages)
        BenchSettings.note("engine: catalogue")
        let base = Self.nanosecondsPerEvent(rules: rules, registry: fleet.registry, messages: messages)
        BenchSettings.note("engine: 10x rules, scoped to other sites")
        let scoped = try Self.nanosecondsPerEvent(
            rules: Self.copies(of: rules, scoped: true),
            registry: fleet.registry,
            messages: messages
        )
        BenchSettings.note("engine: 10x rules, plain copies")
        let plain = try Self.nanosecondsPerEvent(
            rules: Self.copies(of: rules, scoped: false),
            registry: fleet.registry,
            messages: messages
        )
        BenchSettings.note("engine: 10x subjects")
        let bigFleet = BenchFleet(devices: settings.devices * 10, residents: settings.residents * 10)
        let bigMessages = Self.messages(bigFleet, count: count, seed: 11, prefix: "n")
        let subjects = Self.nanosecondsPerEvent(rules: rules, registry: bigFleet.registry, messages: bigMessages)
        let scale = "\(Figure.grouped(settings.devices)) devices, \(Figure.grouped(settings.residents)) residents"
        return [
            Figure(
                name: "engine.decode_ns_per_event",
                value: decode,
                unit: "ns/event",
                detail: "decoding and validating a contract payload against the registry, alone"
            ),
            Figure(
                name: "engine.ns_per_event",
                value: base.nanoseconds,
                unit: "ns/event",
                detail: "decode + de-duplicate + \(rules.rules.count) rules + state encoding, \(scale), "
                    + "\(Figure.grouped(count)) events"
            ),
            Figure(
                name: "engine.first_event_ms",
                value: base.firstEventMilliseconds,
                unit: "ms",
                detail: "the first event of a fresh engine, which starts watching every subject of the absence and "
                    + "deadline rules, with its state encoding"
            ),
            Figure(
                name: "engine.rules_10x_scoped_ns_per_event",
                value: scoped.nanoseconds,
                unit: "ns/event",
                detail: "\(rules.rules.count * 10) rules (catalogue + 9 copies scoped to other sites): "
                    + "\(Figure.format(scoped.nanoseconds / base.nanoseconds))x the catalogue's cost"
            ),
            Figure(
                name: "engine.rules_10x_copies_ns_per_event",
                value: plain.nanoseconds,
                unit: "ns/event",
                detail: "10 plain copies of the catalogue, every event matched by 10x the rules: "
                    + "\(Figure.format(plain.nanoseconds / base.nanoseconds))x"
            ),
            Figure(
                name: "engine.subjects_10x_ns_per_event",
                value: subjects.nanoseconds,
                unit: "ns/event",
                detail: "\(Figure.grouped(settings.devices * 10)) devices, \(Figure.grouped(settings.residents * 10)) "
                    + "residents: \(Figure.format(subjects.nanoseconds / base.nanoseconds))x the base cost"
            ),
        ]
    }

    /// The catalogue and 9 copies of each rule, ids suffixed; `scoped` copies only match events of their own
    /// (non-existent) site.
    static func copies(of rules: RuleSet, scoped: Bool) throws -> RuleSet {
        var all = rules.rules
        for copy in 1...9 {
            let site = "elsewhere-\(copy)"
            for rule in rules.rules {
                var clone = rule
                clone.id = "\(rule.id)-\(copy)"
                if scoped {
                    clone.trigger = try scope(rule.trigger, to: site)
                    if case .event(let matcher) = rule.autoResolve {
                        clone.autoResolve = .event(try scope(matcher, to: site))
                    }
                }
                all.append(clone)
            }
        }
        return RuleSet(rules: all)
    }

    private static func scope(_ trigger: Trigger, to site: String) throws -> Trigger {
        switch trigger {
        case .event(let matcher):
            return .event(try scope(matcher, to: site))
        case .count(let matcher, let threshold, let within):
            return .count(try scope(matcher, to: site), threshold: threshold, within: within)
        case .notFollowed(let opening, let closing, let within):
            return .notFollowed(try scope(opening, to: site), by: try scope(closing, to: site), within: within)
        case .absence(var absence):
            absence.signs = try scope(absence.signs, to: site)
            return .absence(absence)
        case .dailyDeadline(let matcher):
            return .dailyDeadline(try scope(matcher, to: site))
        }
    }

    private static func scope(_ matcher: EventMatcher, to site: String) throws -> EventMatcher {
        var scoped = matcher
        let check = "site == \"\(site)\""
        let source = matcher.condition.map { "(\($0.source)) && \(check)" } ?? check
        scoped.condition = try Condition(compiling: source, scope: RuleContext.scope)
        return scoped
    }
}
