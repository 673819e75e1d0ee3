import Yams

extension RuleTest {
    /// Reads the rule tests of one file.
    ///
    /// ```yaml
    /// tests:
    ///   - name: bin-full opens at 90% and escalates after 30 minutes
    ///     rules: [bin-full]                     # optional: only these rules (default: all)
    ///     site: zijing                          # events' default site
    ///     start: "2026-12-02T08:00:00+08:00"
    ///     steps:
    ///       - at: 0s
    ///         event: {device: ZJ-B03-K, type: linli.bin.fill, data: {fill_pct: 92}}
    ///       - at: 30m
    ///         expect:
    ///           - {rule: bin-full, subject: "device:ZJ-B03-K", status: open, escalation_level: 1, severity: high}
    ///         absent: [bin-overheat]
    ///       - at: 31m
    ///         ack: {rule: bin-full, subject: "device:ZJ-B03-K"}
    /// ```
    /// Expected fields use the contract's names (`status`, `severity`, `escalation_level`, `occurrences`,
    /// `resolution`, `opened_at`, `resolved_at`, `team`, `title`, …); `count` checks how many tickets of that
    /// rule and subject exist.
    /// - Throws: ``ConfigurationError`` with every problem found.
    public static func load(file: String, contents: String) throws(ConfigurationError) -> [RuleTest] {
        let reader = YAMLReader(file: file)
        let loader = RuleTestLoader(reader: reader)
        let tests = loader.load(contents)
        guard reader.issues.isEmpty else { throw ConfigurationError(issues: reader.issues) }
        return tests
    }
}

/// Parses rule test files, reporting to its ``YAMLReader``.
struct RuleTestLoader {
    let reader: YAMLReader

    func load(_ text: String) -> [RuleTest] {
        guard let root = reader.parse(text), let top = reader.mapping(root, what: "a rule test file") else { return [] }
        reader.rejectUnknownKeys(top, known: ["tests"], what: "a rule test file")
        guard let list = top.first(where: { $0.key == "tests" }), let items = reader.sequence(list.value, what: "'tests'")
        else {
            reader.report(root, "a rule test file needs a 'tests:' list")
            return []
        }
        return items.compactMap(loadTest)
    }

    private func loadTest(_ node: YAMLReader.Node) -> RuleTest? {
        guard let pairs = reader.mapping(node, what: "a test") else { return nil }
        reader.rejectUnknownKeys(pairs, known: ["name", "rules", "site", "start", "steps"], what: "test")
        let fields = YAMLFields(pairs: pairs, owner: node, reader: reader, what: "test")
        let name = fields.required("name").flatMap { reader.string($0, what: "'name'") }
        let site = fields.optional("site").flatMap { reader.string($0, what: "'site'") } ?? "zijing"
        let rules =
            fields.optional("rules").flatMap { reader.sequence($0, what: "'rules'") }?
            .compactMap { reader.string($0, what: "a rule id") } ?? []
        let start = fields.required("start").flatMap { startNode -> EventTime? in
            guard let text = reader.string(startNode, what: "'start'"), let time = RFC3339.parse(text) else {
                reader.report(startNode, "'start' must be an RFC 3339 time with offset, e.g. 2026-12-02T08:00:00+08:00")
                return nil
            }
            return time
        }
        let steps = fields.required("steps").flatMap { reader.sequence($0, what: "'steps'") }
        guard let name, let start, let steps else { return nil }
        let loaded = steps.compactMap { loadStep($0, site: site, start: start) }
        guard loaded.count == steps.count else { return nil }
        return RuleTest(
            name: name,
            origin: "\(reader.file):\(node.line)",
            rules: rules,
            site: site,
            start: start,
            steps: loaded
        )
    }

    private func loadStep(_ node: YAMLReader.Node, site: String, start: EventTime) -> RuleTest.Step? {
        guard let pairs = reader.mapping(node, what: "a step") else { return nil }
        reader.rejectUnknownKeys(pairs, known: ["at", "event", "ack", "resolve", "expect", "absent"], what: "step")
        let fields = YAMLFields(pairs: pairs, owner: node, reader: reader, what: "step")
        guard let atNode = fields.required("at"), let atText = reader.string(atNode, what: "'at'") else { return nil }
        guard let at = atText == "0" ? .zero : Duration(text: atText) else {
            reader.report(atNode, "'at' must be an offset such as 0s, 90s, 30m or 2h, not '\(atText)'")
            return nil
        }
        let origin = "\(reader.file):\(node.line)"
        let action: RuleTest.Action?
        if let event = fields.optional("event") {
            action = loadEvent(event, site: site, time: start + at, index: node.line)
        } else if let ack = fields.optional("ack") {
            action = loadKey(ack, what: "'ack'").map { .acknowledge(rule: $0.rule, subject: $0.subject) }
        } else if let resolve = fields.optional("resolve") {
            action = loadKey(resolve, what: "'resolve'").map { .resolve(rule: $0.rule, subject: $0.subject) }
        } else if fields.optional("expect") != nil || fields.optional("absent") != nil {
            let expected = fields.optional("expect").flatMap { reader.sequence($0, what: "'expect'") } ?? []
            let absent =
                fields.optional("absent").flatMap { reader.sequence($0, what: "'absent'") }?
                .compactMap(loadAbsent) ?? []
            let expectations = expected.compactMap(loadExpectation)
            action = expectations.count == expected.count ? .expect(expectations, absent: absent) : nil
        } else {
            reader.report(node, "a step needs one of 'event', 'ack', 'resolve', 'expect' or 'absent'")
            action = nil
        }
        return action.map { RuleTest.Step(at: at, origin: origin, action: $0) }
    }

    /// An event step as a contract payload, so it is validated exactly like live traffic.
    private func loadEvent(_ node: YAMLReader.Node, site: String, time: EventTime, index: Int) -> RuleTest.Action? {
        guard let pairs = reader.mapping(node, what: "'event'") else { return nil }
        reader.rejectUnknownKeys(pairs, known: ["device", "type", "data", "site", "id", "kind"], what: "'event'")
        let fields = YAMLFields(pairs: pairs, owner: node, reader: reader, what: "'event'")
        let device = fields.required("device").flatMap { reader.string($0, what: "'device'") }
        let typeName = fields.required("type").flatMap { reader.string($0, what: "'type'") }
        let eventSite = fields.optional("site").flatMap { reader.string($0, what: "'site'") } ?? site
        let id = fields.optional("id").flatMap { reader.string($0, what: "'id'") } ?? "test-\(index)"
        guard let device, let typeName else { return nil }
        guard let type = EventType(rawValue: typeName) else {
            reader.report(node, "unknown event type '\(typeName)'")
            return nil
        }
        var writer = JSONWriter()
        writer.beginObject()
        for (key, value) in [
            ("specversion", "1.0"), ("id", id), ("source", "/sites/\(eventSite)/devices/\(device)"),
            ("type", typeName), ("time", RFC3339.format(time)),
        ] {
            writer.key(key)
            writer.string(value)
        }
        writer.key("data")
        writer.beginObject()
        for pair in fields.optional("data").flatMap({ reader.mapping($0, what: "'data'") }) ?? [] {
            writer.key(pair.key)
            guard let text = reader.string(pair.value, what: "'data.\(pair.key)'") else { continue }
            if let number = Double(text) {
                writer.number(number)
            } else if text == "true" || text == "false" {
                writer.bool(text == "true")
            } else {
                writer.string(text)
            }
        }
        writer.endObject()
        writer.endObject()
        let topic = "linli/v1/\(eventSite)/\(type.kind.rawValue)/\(device)/event"
        return .event(topic: topic, payload: writer.bytes)
    }

    /// A rule id, or `{rule, subject}`.
    private func loadAbsent(_ node: YAMLReader.Node) -> (rule: String, subject: Subject?)? {
        if case .scalar = node.node { return reader.string(node, what: "a rule id").map { (rule: $0, subject: nil) } }
        return loadKey(node, what: "'absent'").map { ($0.rule, $0.subject) }
    }

    /// `{rule, subject}`; an expectation (`allowingFields`) may carry ticket fields beside them.
    private func loadKey(
        _ node: YAMLReader.Node,
        what: String,
        allowingFields: Bool = false
    )
        -> (rule: String, subject: Subject)?
    {
        guard let pairs = reader.mapping(node, what: what) else { return nil }
        if !allowingFields { reader.rejectUnknownKeys(pairs, known: ["rule", "subject"], what: what) }
        let fields = YAMLFields(pairs: pairs, owner: node, reader: reader, what: what)
        let rule = fields.required("rule").flatMap { reader.string($0, what: "'rule'") }
        let subject = fields.required("subject").flatMap { subjectNode -> Subject? in
            guard let text = reader.string(subjectNode, what: "'subject'"), let subject = Subject(text) else {
                reader.report(subjectNode, "'subject' must be device:ID or resident:ID")
                return nil
            }
            return subject
        }
        guard let rule, let subject else { return nil }
        return (rule, subject)
    }

    private func loadExpectation(_ node: YAMLReader.Node) -> RuleTest.TicketExpectation? {
        guard let key = loadKey(node, what: "an expectation", allowingFields: true),
            let pairs = reader.mapping(node, what: "an expectation")
        else {
            return nil
        }
        var count: Int?
        var fields: [(name: String, value: String)] = []
        for pair in pairs where pair.key != "rule" && pair.key != "subject" {
            if pair.key == "count" {
                count = reader.integer(pair.value, what: "'count'")
                continue
            }
            guard Ticket.jsonKeys.contains(pair.key) else {
                reader.report(pair.keyNode, "'\(pair.key)' is not a ticket field")
                continue
            }
            if let value = reader.string(pair.value, what: "'\(pair.key)'") { fields.append((pair.key, value)) }
        }
        return RuleTest.TicketExpectation(rule: key.rule, subject: key.subject, count: count, fields: fields)
    }
}
