public import LinliCore

extension Scenario {
    /// Keys a scenario file may have at its top level.
    static let topLevelKeys: Set<String> = [
        "name", "description", "sites", "start", "duration", "seed", "baseline", "timeline", "expect",
    ]

    /// Loads and checks a scenario file against the site registry it will run on.
    ///
    /// The caller reads the file (Simulation does no I/O) and the registry (`Config/sites`). Every problem is
    /// reported, each with file:line:column and what is wrong: YAML syntax, unknown keys (a misspelt key never
    /// passes silently), bad values, sites, devices and residents missing from the registry, event types
    /// another kind of device would send, data fields the type does not have or out of their range, and
    /// incidents that happen after the scenario ends.
    ///
    /// ```swift
    /// let scenario = try Scenario.load(file: "smoke.yaml", contents: text, registry: registry)
    /// let messages = ScenarioGenerator(scenario: scenario, registry: registry).messages(start: now)
    /// ```
    ///
    /// - Parameters:
    ///   - file: The file name used in issues.
    ///   - contents: The YAML text.
    ///   - registry: The sites the scenario refers to.
    /// - Throws: ``LinliCore/ConfigurationError`` with every issue, in line order.
    public static func load(
        file: String,
        contents: String,
        registry: SiteRegistry
    ) throws(ConfigurationError) -> Scenario {
        let reader = YAMLReader(file: file)
        let loader = ScenarioLoader(reader: reader, registry: registry)
        let scenario = reader.parse(contents).flatMap { loader.scenario($0) }
        let issues = reader.issues.enumerated().sorted { left, right in
            (left.element.line, left.element.column, left.offset)
                < (right.element.line, right.element.column, right.offset)
        }.map(\.element)
        guard issues.isEmpty, let scenario else {
            throw ConfigurationError(
                issues: issues.isEmpty
                    ? [ConfigurationIssue(file: file, line: 1, column: 1, message: "not a scenario")] : issues
            )
        }
        return scenario
    }
}
