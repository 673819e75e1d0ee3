import Foundation
public import LinliCore

/// Turns a scenario into the messages to publish, in scenario-clock order.
///
/// Pure and deterministic: the same scenario, registry, start time and seed give the same messages, byte
/// for byte. Event ids are drawn from the seed (shaped like UUIDs) in publishing order, unless a timeline
/// entry fixes its `id`. Valid events are encoded with ``LinliCore/Event/payload(offsetSeconds:)``, their time
/// written in the site's local offset; `raw` entries are published as given; `malformed` entries break one
/// rule of `events.md` each.
///
/// ```swift
/// let generator = ScenarioGenerator(scenario: scenario, registry: registry)
/// for message in generator.messages(start: now) {
///     try await client.publish(topic: message.topic, payload: message.payload, qos: .atLeastOnce)
/// }
/// ```
public struct ScenarioGenerator: Sendable {
    /// The scenario.
    public let scenario: Scenario
    /// The registry its sites come from.
    public let registry: SiteRegistry
    /// Settings of the everyday traffic, used when the scenario asks for a baseline.
    public var baselineOptions: BaselineOptions

    /// Creates a generator for a scenario loaded against `registry`.
    public init(scenario: Scenario, registry: SiteRegistry, baselineOptions: BaselineOptions = BaselineOptions()) {
        self.scenario = scenario
        self.registry = registry
        self.baselineOptions = baselineOptions
    }

    /// Every message of the scenario, ordered by time (timeline entries before baseline traffic at the same
    /// instant, then in file order).
    ///
    /// - Parameters:
    ///   - start: The scenario clock's start: ``ScenarioStart/resolve(now:)`` of the scenario's start.
    ///   - seed: Overrides the scenario's seed.
    public func messages(start: EventTime, seed: UInt64? = nil) -> [ScenarioMessage] {
        let seed = seed ?? scenario.seed
        let end = start + scenario.duration
        var pending: [PendingMessage] = []
        var silences: [BaselineSilence] = []
        for incident in scenario.timeline {
            expand(incident, start: start, end: end, into: &pending, silences: &silences)
        }
        if scenario.baseline {
            let baseline = BaselineGenerator(registry: registry, sites: scenario.sites, options: baselineOptions)
            for event in baseline.events(from: start, to: end, seed: seed, silences: silences) {
                pending.append(PendingMessage(time: event.time, content: .event(event, fixedID: false)))
            }
        }
        let ordered = pending.enumerated().sorted { left, right in
            (left.element.time, left.offset) < (right.element.time, right.offset)
        }.map(\.element)

        var ids = SplitMix64(seed: seed, stream: "event-ids")
        var offsets = OffsetCache(registry: registry)
        return ordered.map { message in
            switch message.content {
            case .event(var event, let fixedID):
                if !fixedID { event.id = ids.uuidText() }
                let offset = offsets.offsetSeconds(site: event.site, at: event.time)
                return ScenarioMessage(topic: event.topic, payload: event.payload(offsetSeconds: offset), time: message.time)
            case .raw(let topic, let payload):
                return ScenarioMessage(topic: topic, payload: payload, time: message.time)
            case .malformed(let reference, let kind, let ordinal):
                let offset = offsets.offsetSeconds(site: reference.site, at: message.time)
                let bad = MalformedPayload.make(
                    kind,
                    device: reference,
                    kindOfDevice: registry.device(reference.device, at: reference.site)?.kind ?? .bin,
                    time: message.time,
                    id: ids.uuidText(),
                    ordinal: ordinal,
                    offsetSeconds: offset
                )
                return ScenarioMessage(topic: bad.topic, payload: bad.payload, time: message.time)
            }
        }
    }

    /// Adds the messages of one timeline entry, or the baseline silence it asks for.
    private func expand(
        _ incident: ScenarioIncident,
        start: EventTime,
        end: EventTime,
        into pending: inout [PendingMessage],
        silences: inout [BaselineSilence]
    ) {
        let at = start + incident.at
        func add(_ site: String, _ device: String, _ type: EventType, _ data: EventData, after offset: Duration = .zero) {
            let event = Event(id: "", site: site, device: device, type: type, time: at + offset, data: data)
            pending.append(PendingMessage(time: event.time, content: .event(event, fixedID: false)))
        }
        switch incident.action {
        case .event(let spec):
            for offset in spec.repetition?.offsets ?? [.zero] {
                let event = Event(
                    id: spec.id ?? "",
                    site: spec.site,
                    device: spec.device,
                    type: spec.type,
                    time: at + offset,
                    data: spec.data
                )
                pending.append(PendingMessage(time: event.time, content: .event(event, fixedID: spec.id != nil)))
            }
        case .raw(let topic, let payload):
            pending.append(PendingMessage(time: at, content: .raw(topic: topic, payload: payload)))
        case .macro(let macro):
            switch macro {
            case .binOverflow(let bin, let readings, let every):
                for (index, reading) in readings.enumerated() {
                    add(bin.site, bin.device, .binFill, EventData(fillPct: reading), after: every * index)
                }
            case .binOverheat(let bin, let readings, let every):
                for (index, reading) in readings.enumerated() {
                    add(bin.site, bin.device, .binTemperature, EventData(celsius: reading), after: every * index)
                }
            case .contamination(let bin, let count, let every, let detected, let confidence):
                let expected = registry.device(bin.device, at: bin.site)?.stream ?? "other"
                for index in 0..<count {
                    let data = EventData(expected: expected, detected: detected, confidence: confidence)
                    add(bin.site, bin.device, .binContamination, data, after: every * index)
                }
            case .gateForced(let gate):
                add(gate.site, gate.device, .gateForced, EventData())
            case .doorHeldOpen(let gate, let duration):
                add(gate.site, gate.device, .gateDoor, EventData(state: "open"))
                if let duration { add(gate.site, gate.device, .gateDoor, EventData(state: "closed"), after: duration) }
            case .cardTried(let gate, let count, let every, let reason):
                for index in 0..<count {
                    add(gate.site, gate.device, .gateDenied, EventData(credential: "card", reason: reason), after: every * index)
                }
            case .deviceSilent(let device, let duration):
                silences.append(BaselineSilence(site: device.site, subject: .device(device.device), from: at, until: duration.map { at + $0 } ?? end))
            case .stopsCheckingIn(let site, let resident, let duration):
                silences.append(BaselineSilence(site: site, subject: .resident(resident), from: at, until: duration.map { at + $0 } ?? end))
            case .sos(let device, let resident):
                add(device.site, device.device, .careSOS, EventData(resident: resident))
            case .fall(let device, let resident, let confidence):
                add(device.site, device.device, .careFall, EventData(confidence: confidence, resident: resident))
            case .batteryLow(let device, let battery):
                let kind = registry.device(device.device, at: device.site)?.kind ?? .bin
                add(device.site, device.device, kind == .care ? .careHeartbeat : .binHeartbeat, EventData(batteryPct: battery))
            case .malformed(let device, let kind, let count, let every):
                for index in 0..<count {
                    pending.append(
                        PendingMessage(time: at + every * index, content: .malformed(device, kind, ordinal: index + 1))
                    )
                }
            }
        }
    }
}
