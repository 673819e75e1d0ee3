import LinliCore

/// Reads one scenario file through a ``LinliCore/YAMLReader``, collecting every problem with its position.
///
/// Each method reports what is wrong and returns `nil` (or a partial value) instead of throwing, so one pass
/// finds every problem in the file.
struct ScenarioLoader {
    /// A mapping's entries, in file order.
    typealias Pairs = [(key: String, keyNode: YAMLReader.Node, value: YAMLReader.Node)]

    /// The reader collecting issues.
    let reader: YAMLReader
    /// The registry sites, devices and residents are checked against.
    let registry: SiteRegistry

    /// The whole scenario, or `nil` when a required part is missing or wrong.
    func scenario(_ root: YAMLReader.Node) -> Scenario? {
        guard let pairs = reader.mapping(root, what: "a scenario file") else { return nil }
        reader.rejectUnknownKeys(pairs, known: Scenario.topLevelKeys, what: "scenario")
        let fields = present(pairs)

        var name: String?
        if let node = fields["name"] {
            name = nonEmptyText(node, what: "name")
        } else {
            reader.report(root, "missing required key 'name' (a short name such as 'smoke')")
        }
        let description = fields["description"].flatMap { reader.string($0, what: "description") } ?? ""

        var sites: [String]?
        if let node = fields["sites"] {
            sites = siteList(node)
        } else {
            reader.report(root, "missing required key 'sites' (the site ids it runs at, e.g. [zijing])")
        }

        var start: ScenarioStart? = .now
        if let node = fields["start"], let text = reader.string(node, what: "start") {
            start = ScenarioStart(text: text)
            if start == nil {
                reader.report(
                    node,
                    "start: '\(text)' must be 'now' or an RFC 3339 time with an offset, e.g. 2026-11-27T06:00:00+08:00"
                )
            }
        }

        var duration: Duration?
        if let node = fields["duration"] {
            duration = positiveDuration(node, what: "duration")
        } else {
            reader.report(root, "missing required key 'duration' (how long the scenario clock runs, e.g. 5m)")
        }

        var seed: UInt64? = Scenario.defaultSeed
        if let node = fields["seed"], let text = reader.string(node, what: "seed") {
            seed = UInt64(text)
            if seed == nil {
                reader.report(node, "seed: '\(text)' must be a whole number from 0 to \(UInt64.max)")
            }
        }

        var baseline: Bool? = false
        if let node = fields["baseline"] {
            baseline = reader.bool(node, what: "baseline")
        }

        var timeline: [ScenarioIncident] = []
        if let sites, let node = fields["timeline"], let entries = reader.sequence(node, what: "timeline") {
            for entry in entries {
                if let incident = incident(entry, sites: sites, duration: duration) {
                    timeline.append(incident)
                }
            }
        }

        var expectations = ScenarioExpectations()
        if let sites, let node = fields["expect"] {
            expectations = self.expectations(node, sites: sites)
        }

        guard let name, let sites, let start, let duration, let seed, let baseline else { return nil }
        return Scenario(
            name: name,
            description: description,
            sites: sites,
            start: start,
            duration: duration,
            seed: seed,
            baseline: baseline,
            timeline: timeline,
            expectations: expectations
        )
    }

    /// `sites: [zijing, beisan]` (or one id): each registered, none twice.
    private func siteList(_ node: YAMLReader.Node) -> [String]? {
        let entries: [YAMLReader.Node]
        if let sequence = optionalSequence(node) {
            entries = sequence
        } else {
            entries = [node]
        }
        guard !entries.isEmpty else {
            reader.report(node, "sites must list at least one site id")
            return nil
        }
        var sites: [String] = []
        var valid = true
        for entry in entries {
            guard let id = reader.string(entry, what: "a site id") else {
                valid = false
                continue
            }
            if registry[site: id] == nil {
                let known = registry.sites.keys.sorted().joined(separator: ", ")
                reader.report(entry, "site '\(id)' is not in the site registry (registered: \(known))")
                valid = false
            } else if sites.contains(id) {
                reader.report(entry, "site '\(id)' is listed twice")
            } else {
                sites.append(id)
            }
        }
        return valid ? sites : nil
    }

    // MARK: Shared readers

    /// The value nodes of `pairs` by key, leaving out keys whose value is null (they count as absent).
    func present(_ pairs: Pairs) -> [String: YAMLReader.Node] {
        var fields: [String: YAMLReader.Node] = [:]
        for pair in pairs where fields[pair.key] == nil && !reader.isNull(pair.value) {
            fields[pair.key] = pair.value
        }
        return fields
    }

    /// The node as a list, or `nil` without reporting when it is something else.
    func optionalSequence(_ node: YAMLReader.Node) -> [YAMLReader.Node]? {
        let probe = YAMLReader(file: reader.file)
        return probe.sequence(node, what: "")
    }

    /// A non-empty string; reports otherwise.
    func nonEmptyText(_ node: YAMLReader.Node, what: String) -> String? {
        guard let text = reader.string(node, what: what) else { return nil }
        guard !text.allSatisfy(\.isWhitespace) else {
            reader.report(node, "\(what) must not be empty")
            return nil
        }
        return text
    }

    /// A duration such as `90s`, `5m`, `1h30m`; reports otherwise.
    func duration(_ node: YAMLReader.Node, what: String) -> Duration? {
        guard let text = reader.string(node, what: what) else { return nil }
        guard let value = Duration(text: text) else {
            reader.report(node, "\(what): '\(text)' must be a duration such as 90s, 5m, 2h or 1h30m")
            return nil
        }
        return value
    }

    /// A duration above zero; reports otherwise.
    func positiveDuration(_ node: YAMLReader.Node, what: String) -> Duration? {
        guard let value = duration(node, what: what) else { return nil }
        guard value > .zero else {
            reader.report(node, "\(what) must be longer than zero")
            return nil
        }
        return value
    }

    /// A whole number of at least `minimum`; reports otherwise.
    func integer(_ node: YAMLReader.Node, what: String, minimum: Int) -> Int? {
        guard let value = reader.integer(node, what: what) else { return nil }
        guard value >= minimum else {
            reader.report(node, "\(what) must be at least \(minimum), not \(value)")
            return nil
        }
        return value
    }

    /// A number within `range`; reports otherwise.
    func number(_ node: YAMLReader.Node, what: String, in range: ClosedRange<Double>) -> Double? {
        guard let value = reader.number(node, what: what) else { return nil }
        guard range.contains(value) else {
            reader.report(
                node,
                "\(what) must be from \(Self.text(range.lowerBound)) to \(Self.text(range.upperBound)), not \(Self.text(value))"
            )
            return nil
        }
        return value
    }

    /// A string that must be one of `options`; reports otherwise.
    func choice(_ node: YAMLReader.Node, what: String, options: [String]) -> String? {
        guard let text = reader.string(node, what: what) else { return nil }
        guard options.contains(text) else {
            reader.report(node, "\(what) must be one of \(options.joined(separator: ", ")), not '\(text)'")
            return nil
        }
        return text
    }

    /// `92` rather than `92.0`.
    static func text(_ value: Double) -> String {
        value == value.rounded() && value.magnitude < 1e15 ? String(Int64(value)) : String(value)
    }
}
