import Yams

/// Turns the YAML of one rules file into compiled ``Rule`` values, reporting problems to its ``YAMLReader``.
struct RuleLoader {
    let reader: YAMLReader

    private static let ruleKeys: Set<String> = [
        "id", "name", "summary", "subject", "severity", "team", "sla", "trigger", "auto_resolve", "escalation",
        "title", "description",
    ]

    /// The rules of a file, each with the node of its `id` for later reports.
    func loadFile(_ text: String) -> [(Rule, YAMLReader.Node)] {
        guard let root = reader.parse(text), let top = reader.mapping(root, what: "a rules file") else { return [] }
        reader.rejectUnknownKeys(top, known: ["rules"], what: "a rules file")
        guard let list = top.first(where: { $0.key == "rules" }) else {
            reader.report(root, "a rules file needs a 'rules:' list")
            return []
        }
        guard let items = reader.sequence(list.value, what: "'rules'") else { return [] }
        return items.compactMap(loadRule)
    }

    private func loadRule(_ node: YAMLReader.Node) -> (Rule, YAMLReader.Node)? {
        guard let pairs = reader.mapping(node, what: "a rule") else { return nil }
        reader.rejectUnknownKeys(pairs, known: Self.ruleKeys, what: "rule")
        let fields = YAMLFields(pairs: pairs, owner: node, reader: reader, what: "rule")
        let issuesBefore = reader.issues.count
        let id = fields.required("id").flatMap { idNode -> String? in
            guard let id = reader.string(idNode, what: "'id'") else { return nil }
            guard RulePatterns.isRuleID(id) else {
                reader.report(idNode, "'id' must match [a-z0-9-]{1,64}, not '\(id)'")
                return nil
            }
            return id
        }
        let subject = fields.required("subject").flatMap { node in
            reader.oneOf(node, Rule.SubjectKind.self, what: "'subject'")
        }
        let severity = fields.required("severity").flatMap { node in reader.oneOf(node, Severity.self, what: "'severity'") }
        let team = fields.required("team").flatMap { node in teamName(from: node) }
        let sla: (ack: Duration?, resolve: Duration?) = fields.optional("sla").map(loadSLA) ?? (nil, nil)
        let trigger = fields.required("trigger").flatMap(loadTrigger)
        let autoResolve: AutoResolve? = fields.optional("auto_resolve").map(loadAutoResolve) ?? .never
        let escalation: Escalation? = fields.optional("escalation").map(loadEscalation) ?? Escalation()
        let title = fields.required("title").flatMap { compileTemplate($0, what: "'title'") }
        let description = fields.optional("description").flatMap { compileTemplate($0, what: "'description'") }
        let name = fields.optional("name").flatMap { reader.string($0, what: "'name'") }
        let summary = fields.optional("summary").flatMap { reader.string($0, what: "'summary'") }
        guard reader.issues.count == issuesBefore, let id, let subject, let severity, let team, let trigger,
            let autoResolve, let escalation, let title
        else { return nil }
        if let problem = Self.subjectProblem(subject, trigger: trigger) {
            reader.report(node, "rule '\(id)': \(problem)")
            return nil
        }
        let rule = Rule(
            id: id,
            name: name ?? id,
            summary: summary ?? "",
            version: Self.version(of: node),
            subject: subject,
            severity: severity,
            team: team,
            ackWithin: sla.ack,
            resolveWithin: sla.resolve,
            trigger: trigger,
            autoResolve: autoResolve,
            escalation: escalation,
            title: title,
            description: description ?? Self.emptyTemplate,
            origin: "\(reader.file):\(node.line)"
        )
        return (rule, fields.node("id") ?? node)
    }

    private static func canCarryResident(_ type: EventType) -> Bool {
        type.kind == .care && type != .careHeartbeat || type == .gatePass
    }

    /// Why the trigger cannot work for tickets keyed by `subject`, if it cannot.
    private static func subjectProblem(_ subject: Rule.SubjectKind, trigger: Trigger) -> String? {
        switch (subject, trigger) {
        case (.device, .absence(let absence)) where absence.watch != .devices:
            "subject 'device' needs 'watch: devices'"
        case (.resident, .absence(let absence)) where absence.watch == .devices:
            "subject 'resident' needs 'watch: residents' or 'watch: residents_living_alone'"
        case (.device, .dailyDeadline):
            "'daily_deadline' is per resident: use subject 'resident'"
        case (.resident, _) where !trigger.types.allSatisfy(canCarryResident):
            "subject 'resident' needs trigger events that carry a resident"
        default:
            nil
        }
    }

    private static let emptyTemplate: Template<RuleContext> = try! Template(compiling: "", scope: RuleContext.scope)

    private func teamName(from node: YAMLReader.Node) -> String? {
        guard let team = reader.string(node, what: "'team'") else { return nil }
        guard RulePatterns.isRuleID(team) else {
            reader.report(node, "'team' must match [a-z0-9-]{1,64}, not '\(team)'")
            return nil
        }
        return team
    }

    private func loadSLA(_ node: YAMLReader.Node) -> (ack: Duration?, resolve: Duration?) {
        guard let pairs = reader.mapping(node, what: "'sla'") else { return (nil, nil) }
        reader.rejectUnknownKeys(pairs, known: ["ack", "resolve"], what: "'sla'")
        let fields = YAMLFields(pairs: pairs, owner: node, reader: reader, what: "'sla'")
        return (
            fields.optional("ack").flatMap { duration($0, what: "'sla.ack'") },
            fields.optional("resolve").flatMap { duration($0, what: "'sla.resolve'") }
        )
    }

    /// A trigger: `event`/`when`, optionally with `count` + `within` (a window) or `not_followed_by` + `within`
    /// (held open); or `absent: {event, when, for, watch}`; or `daily_deadline: {event, when}`.
    private func loadTrigger(_ node: YAMLReader.Node) -> Trigger? {
        guard let pairs = reader.mapping(node, what: "'trigger'") else { return nil }
        let fields = YAMLFields(pairs: pairs, owner: node, reader: reader, what: "'trigger'")
        if let absent = fields.optional("absent") {
            reader.rejectUnknownKeys(pairs, known: ["absent"], what: "'trigger' with 'absent'")
            return loadAbsence(absent)
        }
        if let daily = fields.optional("daily_deadline") {
            reader.rejectUnknownKeys(pairs, known: ["daily_deadline"], what: "'trigger' with 'daily_deadline'")
            guard let dailyPairs = reader.mapping(daily, what: "'trigger.daily_deadline'") else { return nil }
            reader.rejectUnknownKeys(dailyPairs, known: ["event", "when"], what: "'trigger.daily_deadline'")
            return loadMatcher(dailyPairs, owner: daily, what: "'trigger.daily_deadline'").map(Trigger.dailyDeadline)
        }
        reader.rejectUnknownKeys(pairs, known: ["event", "when", "count", "within", "not_followed_by"], what: "'trigger'")
        guard let matcher = loadMatcher(pairs, owner: node, what: "'trigger'") else { return nil }
        let within = fields.optional("within").flatMap { duration($0, what: "'trigger.within'") }
        if let closingNode = fields.optional("not_followed_by") {
            guard let closingPairs = reader.mapping(closingNode, what: "'trigger.not_followed_by'"),
                let closing = loadMatcher(closingPairs, owner: closingNode, what: "'trigger.not_followed_by'")
            else { return nil }
            reader.rejectUnknownKeys(closingPairs, known: ["event", "when"], what: "'trigger.not_followed_by'")
            guard let within else {
                reader.report(node, "'trigger' with 'not_followed_by' needs 'within', e.g. within: 3m")
                return nil
            }
            return .notFollowed(matcher, by: closing, within: within)
        }
        if let countNode = fields.optional("count") {
            guard let count = reader.integer(countNode, what: "'trigger.count'") else { return nil }
            guard (2...1000).contains(count) else {
                reader.report(countNode, "'trigger.count' must be 2...1000, not \(count)")
                return nil
            }
            guard let within else {
                reader.report(node, "'trigger' with 'count' needs 'within', e.g. within: 10m")
                return nil
            }
            return .count(matcher, threshold: count, within: within)
        }
        if let withinNode = fields.optional("within"), within != nil {
            reader.report(withinNode, "'trigger.within' needs 'count' or 'not_followed_by'")
            return nil
        }
        return .event(matcher)
    }

    /// `absent: {event: any, when:, for: 24h | {bin: 2h, gate: 30m, care: 6h}, watch: devices}`.
    private func loadAbsence(_ node: YAMLReader.Node) -> Trigger? {
        guard let pairs = reader.mapping(node, what: "'trigger.absent'") else { return nil }
        reader.rejectUnknownKeys(pairs, known: ["event", "when", "for", "watch"], what: "'trigger.absent'")
        let fields = YAMLFields(pairs: pairs, owner: node, reader: reader, what: "'trigger.absent'")
        let signs = loadMatcher(pairs, owner: node, what: "'trigger.absent'")
        let watch = fields.required("watch").flatMap { reader.oneOf($0, Absence.Watch.self, what: "'trigger.absent.watch'") }
        let limits = fields.required("for").flatMap(absenceLimits)
        guard let signs, let watch, let limits else { return nil }
        return .absence(Absence(signs: signs, watch: watch, limits: limits))
    }

    private func absenceLimits(_ node: YAMLReader.Node) -> [DeviceKind?: Duration]? {
        if case .scalar = node.node {
            return duration(node, what: "'trigger.absent.for'").map { [nil: $0] }
        }
        guard let pairs = reader.mapping(node, what: "'trigger.absent.for'") else { return nil }
        var limits: [DeviceKind?: Duration] = [:]
        for pair in pairs {
            guard let kind = DeviceKind(rawValue: pair.key) else {
                reader.report(pair.keyNode, "'trigger.absent.for': '\(pair.key)' is not a device kind (bin, gate, care)")
                continue
            }
            if let limit = duration(pair.value, what: "'trigger.absent.for.\(pair.key)'") { limits[kind] = limit }
        }
        return limits.isEmpty ? nil : limits
    }

    private func loadAutoResolve(_ node: YAMLReader.Node) -> AutoResolve? {
        if case .scalar(let scalar) = node.node {
            guard scalar.string == "never" else {
                reader.report(node, "'auto_resolve' must be 'never', {event:, when:} or {quiet: DURATION}")
                return nil
            }
            return .never
        }
        guard let pairs = reader.mapping(node, what: "'auto_resolve'") else { return nil }
        if let quiet = pairs.first(where: { $0.key == "quiet" }) {
            reader.rejectUnknownKeys(pairs, known: ["quiet"], what: "'auto_resolve' with 'quiet'")
            return duration(quiet.value, what: "'auto_resolve.quiet'").map(AutoResolve.quiet)
        }
        reader.rejectUnknownKeys(pairs, known: ["event", "when", "quiet"], what: "'auto_resolve'")
        return loadMatcher(pairs, owner: node, what: "'auto_resolve'").map(AutoResolve.event)
    }

    private func loadEscalation(_ node: YAMLReader.Node) -> Escalation? {
        if case .scalar(let scalar) = node.node {
            guard scalar.string == "none" else {
                reader.report(node, "'escalation' must be 'none' or {repeat: DURATION, max_level: N}")
                return nil
            }
            return Escalation(maxLevel: 0)
        }
        guard let pairs = reader.mapping(node, what: "'escalation'") else { return nil }
        reader.rejectUnknownKeys(pairs, known: ["repeat", "max_level"], what: "'escalation'")
        let fields = YAMLFields(pairs: pairs, owner: node, reader: reader, what: "'escalation'")
        let repeatEvery = fields.optional("repeat").flatMap { duration($0, what: "'escalation.repeat'") }
        let maxLevel = fields.optional("max_level").flatMap { levelNode -> Int? in
            guard let level = reader.integer(levelNode, what: "'escalation.max_level'") else { return nil }
            guard (0...10).contains(level) else {
                reader.report(levelNode, "'escalation.max_level' must be 0...10, not \(level)")
                return nil
            }
            return level
        }
        return Escalation(repeatEvery: repeatEvery, maxLevel: maxLevel ?? (repeatEvery == nil ? 1 : 3))
    }

    /// `event:` (a type, a list, or `any`) and an optional `when:` condition.
    private func loadMatcher(
        _ pairs: [(key: String, keyNode: YAMLReader.Node, value: YAMLReader.Node)],
        owner: YAMLReader.Node,
        what: String
    ) -> EventMatcher? {
        let fields = YAMLFields(pairs: pairs, owner: owner, reader: reader, what: what)
        guard let eventNode = fields.required("event"), let types = eventTypes(eventNode, what: "\(what).event")
        else { return nil }
        guard let whenNode = fields.optional("when") else { return EventMatcher(types: types, condition: nil) }
        guard let condition = compileCondition(whenNode, what: "\(what).when") else { return nil }
        return EventMatcher(types: types, condition: condition)
    }

    private func eventTypes(_ node: YAMLReader.Node, what: String) -> Set<EventType>? {
        if case .sequence = node.node {
            guard let items = reader.sequence(node, what: what), !items.isEmpty else {
                reader.report(node, "\(what) must name at least one event type")
                return nil
            }
            let types = items.compactMap { eventType($0, what: what) }
            return types.count == items.count ? Set(types) : nil
        }
        if case .scalar(let scalar) = node.node, scalar.string == "any" {
            return Set(EventType.allCases)
        }
        return eventType(node, what: what).map { [$0] }
    }

    private func eventType(_ node: YAMLReader.Node, what: String) -> EventType? {
        guard let text = reader.string(node, what: what) else { return nil }
        guard let type = EventType(rawValue: text) else {
            reader.report(node, "\(what): unknown event type '\(text)' (types are listed in events.md, e.g. linli.bin.fill)")
            return nil
        }
        return type
    }

    private func duration(_ node: YAMLReader.Node, what: String) -> Duration? {
        guard let text = reader.string(node, what: what) else { return nil }
        guard let duration = Duration(text: text), duration > .zero else {
            reader.report(node, "\(what) must be a positive duration such as 90s, 30m, 2h or 1d, not '\(text)'")
            return nil
        }
        return duration
    }

    private func compileCondition(_ node: YAMLReader.Node, what: String) -> Condition<RuleContext>? {
        guard let source = reader.string(node, what: what) else { return nil }
        do {
            return try Condition(compiling: source, scope: RuleContext.scope)
        } catch {
            reportExpressionError(error, in: node, what: what)
            return nil
        }
    }

    private func compileTemplate(_ node: YAMLReader.Node, what: String) -> Template<RuleContext>? {
        guard let source = reader.string(node, what: what) else { return nil }
        do {
            return try Template(compiling: source, scope: RuleContext.scope)
        } catch {
            reportExpressionError(error, in: node, what: what)
            return nil
        }
    }

    /// Maps a position inside an expression to the file: the scalar's mark, plus one for an opening quote
    /// of a single-line scalar; block scalars start on the next line.
    private func reportExpressionError(_ error: ExpressionError, in node: YAMLReader.Node, what: String) {
        var line = node.line
        var column = node.column
        if case .scalar(let scalar) = node.node {
            switch scalar.style {
            case .singleQuoted, .doubleQuoted: column += 1
            case .literal, .folded: line += 1
            default: break
            }
        }
        if error.line > 1 {
            line += error.line - 1
            column = error.column
        } else {
            column += error.column - 1
        }
        reader.report(line: line, column: column, "\(what): \(error.message)")
    }

    /// Content hash of a rule's definition: FNV-1a 64 of its canonical YAML, in hex.
    static func version(of node: YAMLReader.Node) -> String {
        let canonical = (try? Yams.serialize(node: node.node)) ?? ""
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in canonical.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// Keyed access to a mapping's values, reporting missing required keys at the mapping.
struct YAMLFields {
    let pairs: [(key: String, keyNode: YAMLReader.Node, value: YAMLReader.Node)]
    let owner: YAMLReader.Node
    let reader: YAMLReader
    let what: String

    func optional(_ key: String) -> YAMLReader.Node? {
        pairs.first { $0.key == key }?.value
    }

    func node(_ key: String) -> YAMLReader.Node? {
        optional(key)
    }

    func required(_ key: String) -> YAMLReader.Node? {
        guard let value = optional(key) else {
            reader.report(owner, "\(what): missing '\(key)'")
            return nil
        }
        return value
    }
}

/// Identifier patterns of the rule language.
enum RulePatterns {
    /// `[a-z0-9-]{1,64}`.
    static func isRuleID(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 64
            && text.utf8.allSatisfy { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2d }
    }
}
