import LinliCore

extension ScenarioLoader {
    /// The parameters each macro takes.
    static let macroKeys: [String: Set<String>] = [
        "bin-overflow": ["site", "device", "readings", "every"],
        "bin-overheat": ["site", "device", "readings", "every"],
        "contamination": ["site", "device", "count", "every", "detected", "confidence"],
        "gate-forced": ["site", "device"],
        "door-held-open": ["site", "device", "for"],
        "card-tried": ["site", "device", "count", "every", "reason"],
        "device-silent": ["site", "device", "for"],
        "stops-checking-in": ["site", "resident", "for"],
        "sos": ["site", "resident", "device"],
        "fall": ["site", "resident", "device", "confidence"],
        "battery-low": ["site", "device", "battery_pct"],
        "malformed": ["site", "device", "kind", "count", "every"],
    ]

    /// One macro, `name: {parameters}`.
    func macro(_ name: String, _ node: YAMLReader.Node, sites: [String]) -> IncidentMacro? {
        guard let pairs = reader.mapping(node, what: name) else { return nil }
        reader.rejectUnknownKeys(pairs, known: Self.macroKeys[name] ?? [], what: name)
        let fields = present(pairs)
        guard let site = site(fields["site"], sites: sites, at: node, inferringFrom: fields) else { return nil }
        var parameters = MacroParameters(loader: self, name: name, node: node, fields: fields, site: site)

        switch name {
        case "bin-overflow", "bin-overheat":
            let overflow = name == "bin-overflow"
            let bin = parameters.device(kinds: [.bin])
            let readings = parameters.readings(
                default: overflow ? [60, 75, 88, 93, 97] : [35, 48, 63, 71],
                range: overflow ? 0...100 : -40...150
            )
            let every = parameters.duration("every", default: .seconds(60))
            guard parameters.valid, let bin, let readings, let every else { return nil }
            let reference = DeviceReference(site: site, device: bin.id)
            return overflow
                ? .binOverflow(reference, readings: readings, every: every)
                : .binOverheat(reference, readings: readings, every: every)
        case "contamination":
            let bin = parameters.device(kinds: [.bin])
            let count = parameters.integer("count", default: 3, minimum: 1)
            let every = parameters.duration("every", default: .seconds(300))
            let stream = bin?.stream ?? "kitchen"
            let otherStream = EventFieldSpec.streams.first { $0 != stream } ?? "other"
            let detected = parameters.choice("detected", options: EventFieldSpec.streams, default: otherStream)
            let confidence = parameters.number("confidence", default: 0.9, range: 0...1)
            guard parameters.valid, let bin, let count, let every, let detected, let confidence else { return nil }
            return .contamination(
                DeviceReference(site: site, device: bin.id),
                count: count,
                every: every,
                detected: detected,
                confidence: confidence
            )
        case "gate-forced":
            guard let gate = parameters.device(kinds: [.gate]), parameters.valid else { return nil }
            return .gateForced(DeviceReference(site: site, device: gate.id))
        case "door-held-open":
            let gate = parameters.device(kinds: [.gate])
            let duration = parameters.optionalDuration("for")
            guard parameters.valid, let gate else { return nil }
            return .doorHeldOpen(DeviceReference(site: site, device: gate.id), for: duration)
        case "card-tried":
            let gate = parameters.device(kinds: [.gate])
            let count = parameters.integer("count", default: 10, minimum: 1)
            let every = parameters.duration("every", default: .seconds(20))
            let reason = parameters.choice(
                "reason",
                options: ["unknown", "expired", "revoked", "mismatch"],
                default: "unknown"
            )
            guard parameters.valid, let gate, let count, let every, let reason else { return nil }
            return .cardTried(DeviceReference(site: site, device: gate.id), count: count, every: every, reason: reason)
        case "device-silent":
            let device = parameters.device(kinds: DeviceKind.allCases)
            let duration = parameters.optionalDuration("for")
            guard parameters.valid, let device else { return nil }
            return .deviceSilent(DeviceReference(site: site, device: device.id), for: duration)
        case "stops-checking-in":
            let resident = parameters.resident()
            let duration = parameters.optionalDuration("for")
            guard parameters.valid, let resident else { return nil }
            return .stopsCheckingIn(site: site, resident: resident.id, for: duration)
        case "sos", "fall":
            let pair = parameters.careDevice()
            let confidence = name == "fall" ? parameters.number("confidence", default: 0.9, range: 0...1) : 1
            guard parameters.valid, let pair, let confidence else { return nil }
            let reference = DeviceReference(site: site, device: pair.device.id)
            return name == "sos"
                ? .sos(reference, resident: pair.resident)
                : .fall(reference, resident: pair.resident, confidence: confidence)
        case "battery-low":
            let device = parameters.device(kinds: [.bin, .care])
            let battery = parameters.number("battery_pct", default: 10, range: 0...100)
            guard parameters.valid, let device, let battery else { return nil }
            return .batteryLow(DeviceReference(site: site, device: device.id), batteryPct: battery)
        case "malformed":
            let kind = parameters.malformedKind()
            let device = parameters.deviceOrFirst()
            let count = parameters.integer("count", default: 1, minimum: 1)
            let every = parameters.duration("every", default: .seconds(1))
            if kind == .unknownDevice, registry[site: site]?.acceptUnregistered == true {
                reader.report(
                    fields["kind"] ?? node,
                    "malformed: kind 'unknown-device' is accepted at site '\(site)' (accept_unregistered: true)"
                )
                return nil
            }
            guard parameters.valid, let kind, let device, let count, let every else { return nil }
            return .malformed(DeviceReference(site: site, device: device.id), kind: kind, count: count, every: every)
        default:
            return nil
        }
    }
}
