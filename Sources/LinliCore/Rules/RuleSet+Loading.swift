import Yams

extension RuleSet {
    /// Loads rules from YAML files (contents given by the caller: Core does no I/O).
    ///
    /// Every problem is reported with file:line:column; the set is returned only when there are none.
    ///
    /// The language, one file holding a `rules:` list:
    /// ```yaml
    /// rules:
    ///   - id: bin-full                       # [a-z0-9-]{1,64}, unique across files
    ///     name: Bin full                     # short name (Open311 service_name)
    ///     summary: A bin reports 90% or more # what it watches for (Open311 description)
    ///     subject: device                    # device | resident: one open ticket per rule and subject
    ///     severity: medium                   # low | medium | high | critical
    ///     team: sanitation
    ///     sla: {ack: 30m, resolve: 2h}       # counted from opened_at; either may be omitted
    ///     trigger:                           # a single matching event
    ///       event: linli.bin.fill            # a type, a list of types, or `any`
    ///       when: data.fill_pct >= 90        # optional CEL-style condition
    ///     auto_resolve:                      # never (default) | {event:, when:} | {quiet: 24h}
    ///       event: linli.bin.fill
    ///       when: data.fill_pct <= 20
    ///     escalation: {repeat: 10m, max_level: 3}   # default {max_level: 1}; `none` disables
    ///     title: "Bin {{device.id}} is {{data.fill_pct}}% full"
    ///     description: "{{device.location}}: please empty it."
    /// ```
    /// - Throws: ``ConfigurationError`` listing every problem.
    public static func load(files: [(name: String, contents: String)]) throws(ConfigurationError) -> RuleSet {
        var rules: [Rule] = []
        var issues: [ConfigurationIssue] = []
        var seen: [String: String] = [:]
        for file in files {
            let reader = YAMLReader(file: file.name)
            let loader = RuleLoader(reader: reader)
            for (rule, node) in loader.loadFile(file.contents) {
                if let previous = seen[rule.id] {
                    reader.report(node, "duplicate rule id '\(rule.id)' (first defined at \(previous))")
                    continue
                }
                seen[rule.id] = rule.origin
                rules.append(rule)
            }
            issues += reader.issues
        }
        guard issues.isEmpty else { throw ConfigurationError(issues: issues) }
        return RuleSet(rules: rules)
    }
}
