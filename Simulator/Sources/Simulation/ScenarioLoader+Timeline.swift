import LinliCore

extension ScenarioLoader {
    /// Keys of a timeline entry that publishes one event.
    static let eventKeys: Set<String> = ["at", "site", "device", "type", "data", "id", "repeat"]

    /// One timeline entry: `at` plus one event, one macro, or `raw`.
    func incident(_ entry: YAMLReader.Node, sites: [String], duration: Duration?) -> ScenarioIncident? {
        guard let pairs = reader.mapping(entry, what: "a timeline entry") else { return nil }
        let fields = present(pairs)

        var at: Duration?
        if let node = fields["at"] {
            at = self.duration(node, what: "at")
        } else {
            reader.report(entry, "timeline entry: missing required key 'at' (offset from the start, e.g. 90s)")
        }

        let macros = pairs.filter { IncidentMacro.names.contains($0.key) }
        let isRaw = fields["raw"] != nil
        let isEvent = fields["type"] != nil || (fields["device"] != nil && macros.isEmpty && !isRaw)
        let forms = macros.map { "'\($0.key)'" } + (isRaw ? ["'raw'"] : []) + (isEvent ? ["'type'"] : [])
        guard forms.count == 1 else {
            if forms.isEmpty {
                reader.report(
                    entry,
                    "timeline entry needs one of: 'type' (one event), 'raw' (a message as given), or a macro ("
                        + IncidentMacro.names.joined(separator: ", ") + ")"
                )
            } else {
                reader.report(
                    entry,
                    "timeline entry has \(forms.joined(separator: " and ")): give one of them per entry"
                )
            }
            return nil
        }

        let action: ScenarioIncident.Action?
        if let macro = macros.first {
            reader.rejectUnknownKeys(pairs, known: ["at", macro.key], what: "timeline entry with '\(macro.key)'")
            action = self.macro(macro.key, macro.value, sites: sites).map { .macro($0) }
        } else if isRaw, let node = fields["raw"] {
            reader.rejectUnknownKeys(pairs, known: ["at", "raw"], what: "timeline entry with 'raw'")
            action = raw(node)
        } else {
            reader.rejectUnknownKeys(pairs, known: Self.eventKeys, what: "timeline entry")
            action = event(entry, fields, sites: sites).map { .event($0) }
        }
        guard let at, let action else { return nil }

        let span: Duration =
            switch action {
            case .event(let event): event.repetition?.offsets.last ?? .zero
            case .macro(let macro): macro.span
            case .raw: .zero
            }
        if let duration, at + span > duration, let node = fields["at"] {
            let end = at + span
            reader.report(
                node,
                "timeline entry ends at \(end.shortText), after the scenario's end (duration \(duration.shortText))"
            )
            return nil
        }
        return ScenarioIncident(at: at, action: action, line: entry.line)
    }

    /// `raw: {topic: ..., payload: "..."}` or `raw: {topic: ..., payload_base64: "..."}`.
    private func raw(_ node: YAMLReader.Node) -> ScenarioIncident.Action? {
        guard let pairs = reader.mapping(node, what: "raw") else { return nil }
        reader.rejectUnknownKeys(pairs, known: ["topic", "payload", "payload_base64"], what: "raw")
        var fields: [String: YAMLReader.Node] = [:]
        for pair in pairs where fields[pair.key] == nil { fields[pair.key] = pair.value }
        var topic: String?
        if let topicNode = fields["topic"] {
            topic = nonEmptyText(topicNode, what: "raw: topic")
            if let text = topic, text.contains("+") || text.contains("#") {
                reader.report(topicNode, "raw: topic '\(text)' must not contain the wildcards '+' or '#'")
                topic = nil
            }
        } else {
            reader.report(node, "raw: missing required key 'topic'")
        }
        var payload: [UInt8]?
        switch (fields["payload"], fields["payload_base64"]) {
        case (let text?, nil):
            payload = reader.string(text, what: "raw: payload").map { Array($0.utf8) }
        case (nil, let encoded?):
            if let text = reader.string(encoded, what: "raw: payload_base64") {
                payload = Base64.decode(text)
                if payload == nil { reader.report(encoded, "raw: payload_base64 is not valid base64") }
            }
        case (nil, nil):
            reader.report(node, "raw: needs 'payload' (text) or 'payload_base64' (any bytes)")
        case (_?, _?):
            reader.report(node, "raw: give 'payload' or 'payload_base64', not both")
        }
        guard let topic, let payload else { return nil }
        return .raw(topic: topic, payload: payload)
    }

    /// A single event: `device`, `type`, `data`, optional `site`, `id`, `repeat`.
    private func event(
        _ entry: YAMLReader.Node,
        _ fields: [String: YAMLReader.Node],
        sites: [String]
    ) -> ScenarioEvent? {
        let site = self.site(fields["site"], sites: sites, at: entry, inferringFrom: fields)

        var type: EventType?
        if let node = fields["type"], let text = reader.string(node, what: "type") {
            type = EventType(rawValue: text)
            if type == nil {
                let known = EventType.allCases.map(\.rawValue).joined(separator: ", ")
                reader.report(node, "type '\(text)' is not an event type of the contract (\(known))")
            }
        } else if fields["type"] == nil {
            reader.report(entry, "timeline entry: missing required key 'type' (e.g. linli.bin.fill)")
        }

        var device: Device?
        if let site, let node = fields["device"] {
            device = self.device(node, site: site, kinds: type.map { [$0.kind] } ?? DeviceKind.allCases, what: "device")
        } else if fields["device"] == nil {
            reader.report(entry, "timeline entry: missing required key 'device'")
        }

        var id: String?
        if let node = fields["id"] {
            id = nonEmptyText(node, what: "id")
            if id == nil { return nil }
        }

        var repetition: Repetition?
        if let node = fields["repeat"] {
            guard let value = self.repetition(node) else { return nil }
            repetition = value
        }

        guard let site, let type, let device else { return nil }
        guard let data = eventData(fields["data"], type: type, device: device, site: site, at: entry) else {
            return nil
        }
        return ScenarioEvent(
            site: site,
            device: device.id,
            type: type,
            data: data,
            id: id,
            repetition: repetition
        )
    }

    /// `repeat: {count: N, every: D}`.
    private func repetition(_ node: YAMLReader.Node) -> Repetition? {
        guard let pairs = reader.mapping(node, what: "repeat") else { return nil }
        reader.rejectUnknownKeys(pairs, known: ["count", "every"], what: "repeat")
        let fields = present(pairs)
        var count: Int?
        if let countNode = fields["count"] {
            count = integer(countNode, what: "repeat: count", minimum: 1)
        } else {
            reader.report(node, "repeat: missing required key 'count' (how many sends in all)")
        }
        var every: Duration?
        if let everyNode = fields["every"] {
            every = positiveDuration(everyNode, what: "repeat: every")
        } else {
            reader.report(node, "repeat: missing required key 'every' (the gap between sends, e.g. 30s)")
        }
        guard let count, let every else { return nil }
        return Repetition(count: count, every: every)
    }

    /// The entry's site: given (and among the scenario's sites), the scenario's only site, or the one of
    /// the scenario's sites that registers the entry's `device` (or, failing that, its `resident`).
    func site(
        _ node: YAMLReader.Node?,
        sites: [String],
        at entry: YAMLReader.Node,
        inferringFrom fields: [String: YAMLReader.Node] = [:]
    ) -> String? {
        guard let node else {
            if sites.count == 1 { return sites[0] }
            if let inferred = inferredSite(fields, sites: sites) { return inferred }
            reader.report(
                entry,
                "missing key 'site': the scenario runs at several sites (\(sites.joined(separator: ", "))) "
                    + "and its device or resident does not name exactly one of them"
            )
            return nil
        }
        guard let id = reader.string(node, what: "site") else { return nil }
        guard sites.contains(id) else {
            reader.report(node, "site '\(id)' is not one of the scenario's sites (\(sites.joined(separator: ", ")))")
            return nil
        }
        return id
    }

    /// The only one of `sites` that registers the entry's device, else the only one with its resident.
    private func inferredSite(_ fields: [String: YAMLReader.Node], sites: [String]) -> String? {
        let probe = YAMLReader(file: reader.file)
        if let node = fields["device"], let id = probe.string(node, what: "") {
            let matching = sites.filter { registry.device(id, at: $0) != nil }
            return matching.count == 1 ? matching[0] : nil
        }
        if let node = fields["resident"], let id = probe.string(node, what: "") {
            let matching = sites.filter { registry.resident(id, at: $0) != nil }
            return matching.count == 1 ? matching[0] : nil
        }
        return nil
    }

    /// A device registered at `site`, of one of `kinds`.
    func device(_ node: YAMLReader.Node, site: String, kinds: [DeviceKind], what: String) -> Device? {
        guard let id = reader.string(node, what: what) else { return nil }
        guard let device = registry.device(id, at: site) else {
            reader.report(node, "\(what) '\(id)' is not registered at site '\(site)'")
            return nil
        }
        guard kinds.contains(device.kind) else {
            let wanted = kinds.map(\.rawValue).joined(separator: " or ")
            reader.report(node, "\(what) '\(id)' is a \(device.kind.rawValue) device; this needs a \(wanted) device")
            return nil
        }
        return device
    }

    /// A resident registered at `site`.
    func resident(_ node: YAMLReader.Node, site: String, what: String) -> Resident? {
        guard let id = reader.string(node, what: what) else { return nil }
        guard let resident = registry.resident(id, at: site) else {
            reader.report(node, "\(what) '\(id)' is not a registered resident of site '\(site)'")
            return nil
        }
        return resident
    }

    /// The `data` mapping of an event, checked against the fields its type carries.
    private func eventData(
        _ node: YAMLReader.Node?,
        type: EventType,
        device: Device,
        site: String,
        at entry: YAMLReader.Node
    ) -> EventData? {
        let spec = EventFieldSpec.fields(of: type)
        var data = EventData()
        var given: Set<String> = []
        var valid = true
        if let node, let pairs = reader.mapping(node, what: "data") {
            let known = Set(spec.required + spec.optional)
            for pair in pairs {
                guard known.contains(pair.key) else {
                    let list = known.isEmpty ? "none" : known.sorted().joined(separator: ", ")
                    reader.report(pair.keyNode, "data: '\(pair.key)' is not a field of \(type.rawValue) (fields: \(list))")
                    valid = false
                    continue
                }
                given.insert(pair.key)
                if !setField(pair.key, pair.value, on: &data, site: site) { valid = false }
            }
        } else if node != nil {
            valid = false
        }
        if type.kind == .care, !given.contains("resident"), let resident = device.resident {
            data.resident = resident
            given.insert("resident")
        }
        let missing = spec.required.filter { !given.contains($0) }
        if !missing.isEmpty {
            reader.report(
                node ?? entry,
                "data: \(type.rawValue) needs " + missing.map { "'\($0)'" }.joined(separator: ", ")
            )
            valid = false
        }
        return valid ? data : nil
    }

    /// Sets one data field from YAML, checking its type and range.
    private func setField(_ name: String, _ node: YAMLReader.Node, on data: inout EventData, site: String) -> Bool {
        let what = "data: \(name)"
        switch EventFieldSpec.value(of: name) {
        case .number(let range):
            guard let value = number(node, what: what, in: range) else { return false }
            EventFieldSpec.set(name, number: value, on: &data)
        case .choice(let options):
            guard let value = choice(node, what: what, options: options) else { return false }
            EventFieldSpec.set(name, text: value, on: &data)
        case .resident:
            guard let resident = resident(node, site: site, what: what) else { return false }
            EventFieldSpec.set(name, text: resident.id, on: &data)
        case .text:
            guard let value = reader.string(node, what: what) else { return false }
            EventFieldSpec.set(name, text: value, on: &data)
        }
        return true
    }
}
