import LinliCore

extension ScenarioLoader {
    /// Keys of `expect`.
    static let expectKeys: Set<String> = ["tickets", "absent", "dead_letters", "exclusive"]
    /// Keys of an expected ticket.
    static let ticketKeys: Set<String> = [
        "rule", "subject", "site", "count", "severity", "status", "escalation_level", "occurrences",
    ]
    /// Keys of an absent ticket.
    static let absentKeys: Set<String> = ["rule", "subject", "site"]

    /// The `expect` mapping.
    func expectations(_ node: YAMLReader.Node, sites: [String]) -> ScenarioExpectations {
        var expectations = ScenarioExpectations()
        guard let pairs = reader.mapping(node, what: "expect") else { return expectations }
        reader.rejectUnknownKeys(pairs, known: Self.expectKeys, what: "expect")
        let fields = present(pairs)
        if let ticketsNode = fields["tickets"], let entries = reader.sequence(ticketsNode, what: "expect: tickets") {
            expectations.tickets = entries.compactMap { ticketExpectation($0, sites: sites) }
        }
        if let absentNode = fields["absent"], let entries = reader.sequence(absentNode, what: "expect: absent") {
            expectations.absent = entries.compactMap { absentExpectation($0, sites: sites) }
        }
        if let deadNode = fields["dead_letters"] {
            expectations.deadLetters = integer(deadNode, what: "expect: dead_letters", minimum: 0)
        }
        if let exclusiveNode = fields["exclusive"] {
            expectations.exclusive = reader.bool(exclusiveNode, what: "expect: exclusive") ?? false
        }
        return expectations
    }

    /// One expected ticket.
    private func ticketExpectation(_ node: YAMLReader.Node, sites: [String]) -> TicketExpectation? {
        guard let pairs = reader.mapping(node, what: "an expected ticket") else { return nil }
        reader.rejectUnknownKeys(pairs, known: Self.ticketKeys, what: "expected ticket")
        let fields = present(pairs)
        var valid = true
        let common = ruleSubjectSite(node, fields, sites: sites, what: "expected ticket")
        var expectation = TicketExpectation(rule: common?.rule ?? "", line: node.line)
        if let common {
            expectation.subject = common.subject
            expectation.site = common.site
        } else {
            valid = false
        }
        if let countNode = fields["count"] {
            if let count = integer(countNode, what: "count", minimum: 1) {
                expectation.count = count
            } else {
                valid = false
            }
        }
        if let severityNode = fields["severity"] {
            expectation.severity = reader.oneOf(severityNode, Severity.self, what: "severity")
            if expectation.severity == nil { valid = false }
        }
        if let statusNode = fields["status"] {
            expectation.status = reader.oneOf(statusNode, TicketStatus.self, what: "status")
            if expectation.status == nil { valid = false }
        }
        if let levelNode = fields["escalation_level"] {
            expectation.escalationLevel = integer(levelNode, what: "escalation_level", minimum: 0)
            if expectation.escalationLevel == nil { valid = false }
        }
        if let occurrencesNode = fields["occurrences"] {
            expectation.occurrences = integer(occurrencesNode, what: "occurrences", minimum: 1)
            if expectation.occurrences == nil { valid = false }
        }
        return valid ? expectation : nil
    }

    /// One absent ticket: `{rule, subject, site}`, or just the rule id.
    private func absentExpectation(_ node: YAMLReader.Node, sites: [String]) -> AbsentExpectation? {
        if optionalSequence(node) == nil, !isMapping(node) {
            guard let rule = ruleID(node) else { return nil }
            return AbsentExpectation(rule: rule, line: node.line)
        }
        guard let pairs = reader.mapping(node, what: "an absent ticket") else { return nil }
        reader.rejectUnknownKeys(pairs, known: Self.absentKeys, what: "absent ticket")
        guard let common = ruleSubjectSite(node, present(pairs), sites: sites, what: "absent ticket") else {
            return nil
        }
        return AbsentExpectation(rule: common.rule, subject: common.subject, site: common.site, line: node.line)
    }

    /// The `rule`, `subject` and `site` shared by both kinds of expectation.
    private func ruleSubjectSite(
        _ node: YAMLReader.Node,
        _ fields: [String: YAMLReader.Node],
        sites: [String],
        what: String
    ) -> (rule: String, subject: Subject?, site: String?)? {
        var rule: String?
        if let ruleNode = fields["rule"] {
            rule = ruleID(ruleNode)
        } else {
            reader.report(node, "\(what): missing required key 'rule' (a rule id such as bin-full)")
        }
        var site: String?
        var valid = true
        if let siteNode = fields["site"] {
            site = self.site(siteNode, sites: sites, at: node)
            if site == nil { valid = false }
        }
        var subject: Subject?
        if let subjectNode = fields["subject"], let text = reader.string(subjectNode, what: "subject") {
            subject = Subject(text)
            switch subject {
            case .device(let id)?:
                if !(site.map { [$0] } ?? sites).contains(where: { registry.device(id, at: $0) != nil }) {
                    reader.report(subjectNode, "subject: device '\(id)' is not registered at \(sitesText(site, sites))")
                    valid = false
                }
            case .resident(let id)?:
                if !(site.map { [$0] } ?? sites).contains(where: { registry.resident(id, at: $0) != nil }) {
                    reader.report(subjectNode, "subject: resident '\(id)' is not registered at \(sitesText(site, sites))")
                    valid = false
                }
            case nil:
                reader.report(subjectNode, "subject: '\(text)' must be device:ID or resident:ID")
                valid = false
            }
        } else if fields["subject"] != nil {
            valid = false
        }
        guard valid, let rule else { return nil }
        return (rule, subject, site)
    }

    /// A rule id: lower-case letters, digits and `-`.
    private func ruleID(_ node: YAMLReader.Node) -> String? {
        guard let text = reader.string(node, what: "rule") else { return nil }
        let valid =
            !text.isEmpty
            && text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        guard valid else {
            reader.report(node, "rule: '\(text)' is not a rule id (lower-case letters, digits and '-', e.g. bin-full)")
            return nil
        }
        return text
    }

    /// Whether the node is a mapping (without reporting).
    private func isMapping(_ node: YAMLReader.Node) -> Bool {
        YAMLReader(file: reader.file).mapping(node, what: "") != nil
    }

    /// `site 'zijing'` or `the scenario's sites (zijing, beisan)`.
    private func sitesText(_ site: String?, _ sites: [String]) -> String {
        if let site { return "site '\(site)'" }
        return sites.count == 1 ? "site '\(sites[0])'" : "any of the scenario's sites (\(sites.joined(separator: ", ")))"
    }
}
