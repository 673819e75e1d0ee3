import Foundation
import LinliCore
import Testing

/// Runs the rule tests shipped in `Config/rules/tests` against the shipped rules and sites, as
/// `linli rules test` does.
@Suite("Shipped rule tests")
struct ShippedRuleTests {
    static func files(in directory: URL) throws -> [(name: String, contents: String)] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".yaml") }.sorted()
            .map { (name: $0, contents: try String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8)) }
    }

    static func tests() throws -> [RuleTest] {
        let directory = RuleFixtures.configDirectory.appendingPathComponent("rules/tests")
        return try files(in: directory).flatMap { try RuleTest.load(file: $0.name, contents: $0.contents) }
    }

    @Test("every catalogue rule has at least one shipped rule test")
    func everyRuleIsTested() throws {
        let tested = Set(try Self.tests().flatMap(\.rules))
        let rules = Set(try RuleFixtures.shippedRules().rules.map(\.id))
        #expect(rules.count == 12)
        #expect(rules.subtracting(tested).isEmpty, "untested: \(rules.subtracting(tested).sorted())")
    }

    @Test("each shipped rule test passes", arguments: try tests().map(\.name))
    func passes(name: String) throws {
        let test = try #require(try Self.tests().first { $0.name == name })
        let registry = try SiteRegistry.load(files: Self.files(in: RuleFixtures.configDirectory.appendingPathComponent("sites")))
        let result = RuleTestRunner.run(test, rules: try RuleFixtures.shippedRules(), registry: registry)
        #expect(result.failures.isEmpty, "\(result.failures.joined(separator: "\n"))")
    }

    @Test("a failing expectation is reported with its step's file and line")
    func reportsFailures() throws {
        let text = """
            tests:
              - name: wrong on purpose
                rules: [gate-forced]
                start: "2026-12-02T08:00:00+08:00"
                steps:
                  - {at: 0s, event: {device: ZJ-G01, type: linli.gate.forced}}
                  - {at: 1m, expect: [{rule: gate-forced, subject: "device:ZJ-G01", severity: low}]}
                  - {at: 2m, absent: [gate-forced]}
                  - {at: 3m, event: {device: ZJ-NOPE, type: linli.gate.forced}}
            """
        let test = try #require(try RuleTest.load(file: "t.yaml", contents: text).first)
        let result = RuleTestRunner.run(test, rules: try RuleFixtures.shippedRules(), registry: RuleFixtures.registry)
        #expect(result.failures.count == 3)
        #expect(result.failures[0].hasPrefix("t.yaml:7: gate-forced for device:ZJ-G01 T-000001: severity is critical"))
        #expect(result.failures[1].hasPrefix("t.yaml:8: expected no gate-forced ticket"))
        #expect(result.failures[2].contains("t.yaml:9: the event was rejected"))
    }
}
