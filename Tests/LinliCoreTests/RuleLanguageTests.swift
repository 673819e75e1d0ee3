import Foundation
import LinliCore
import Testing

@Suite("Rule language: loading and errors")
struct RuleLanguageTests {
    static let valid = """
        rules:
          - id: bin-full
            subject: device
            severity: medium
            team: sanitation
            sla: {ack: 30m, resolve: 2h}
            trigger:
              event: linli.bin.fill
              when: data.fill_pct >= 90
            title: "Bin {{device.id}} full"
        """

    @Test("the shipped rules load: the six first-cut catalogue rules with the catalogue's severities and teams")
    func shippedRules() throws {
        let rules = try RuleFixtures.shippedRules()
        let expected: [String: (Severity, String)] = [
            "bin-full": (.medium, "sanitation"), "bin-overheat": (.critical, "security"),
            "gate-forced": (.critical, "security"), "battery-low": (.low, "maintenance"),
            "care-sos": (.critical, "care"), "care-fall": (.critical, "care"),
        ]
        for (id, (severity, team)) in expected {
            let rule = try #require(rules[id], "missing rule \(id)")
            #expect(rule.severity == severity, "\(id)")
            #expect(rule.team == team, "\(id)")
        }
        #expect(rules["care-sos"]?.escalation == Escalation(repeatEvery: .seconds(600), maxLevel: 3))
        #expect(rules["care-sos"]?.ackWithin == .seconds(300))
        #expect(rules["battery-low"]?.resolveWithin == .seconds(72 * 3600))
    }

    @Test("a minimal rule loads and its version is a stable content hash")
    func versionIsContentHash() throws {
        let a = try RuleSet.load(files: [("a.yaml", Self.valid)])
        let b = try RuleSet.load(files: [("b.yaml", Self.valid + "\n")])
        let changed = try RuleSet.load(files: [("c.yaml", Self.valid.replacingOccurrences(of: ">= 90", with: ">= 80"))])
        #expect(a["bin-full"]?.version == b["bin-full"]?.version)
        #expect(a["bin-full"]?.version != changed["bin-full"]?.version)
    }

    /// (file text, line, column, message fragment); 0 means "any" (a position the parser chooses).
    static let errors: [(String, Int, Int, String)] = [
        (valid.replacingOccurrences(of: "data.fill_pct >= 90", with: "data.fill_pct >= \"x\""), 9, 0, "when"),
        (valid.replacingOccurrences(of: "data.fill_pct >= 90", with: "data.fil >= 90"), 9, 13, "data.fil"),
        (valid.replacingOccurrences(of: "data.fill_pct >= 90", with: "data.fill_pct >= (90"), 9, 0, "when"),
        (valid.replacingOccurrences(of: "linli.bin.fill", with: "linli.bin.full"), 8, 14, "unknown event type 'linli.bin.full'"),
        (valid.replacingOccurrences(of: "severity: medium", with: "severity: urgent"), 4, 15, "'severity' must be one of"),
        (valid.replacingOccurrences(of: "ack: 30m", with: "ack: soon"), 6, 16, "'sla.ack' must be a positive duration"),
        (valid.replacingOccurrences(of: "id: bin-full", with: "id: Bin Full"), 2, 9, "'id' must match"),
        (valid.replacingOccurrences(of: "    team: sanitation\n", with: "    team: sanitation\n    colour: red\n"), 6, 5, "unknown key 'colour'"),
        (valid.replacingOccurrences(of: "    team: sanitation\n", with: ""), 2, 5, "missing 'team'"),
        (valid.replacingOccurrences(of: "{{device.id}}", with: "{{device.nope}}"), 10, 0, "device.nope"),
        ("rules:\n  - id: [unclosed\n", 0, 0, "YAML syntax"),
    ]

    @Test("errors name the file, line and column and what is wrong", arguments: errors)
    func reportsPositions(text: String, line: Int, column: Int, fragment: String) {
        #expect {
            _ = try RuleSet.load(files: [("rules.yaml", text)])
        } throws: { error in
            guard let error = error as? ConfigurationError, let issue = error.issues.first else { return false }
            let lineMatches = line == 0 ? issue.line > 0 : issue.line == line
            let columnMatches = column == 0 ? issue.column > 0 : issue.column == column
            return issue.file == "rules.yaml" && lineMatches && columnMatches && issue.message.contains(fragment)
        }
    }

    @Test("every problem in a file is reported, not just the first")
    func reportsAll() {
        let text = Self.valid
            .replacingOccurrences(of: "severity: medium", with: "severity: urgent")
            .replacingOccurrences(of: "team: sanitation", with: "team: Sanitation Team")
            .replacingOccurrences(of: ">= 90", with: ">=")
        #expect {
            _ = try RuleSet.load(files: [("rules.yaml", text)])
        } throws: { error in
            (error as? ConfigurationError)?.issues.count == 3
        }
    }

    @Test("a duplicate rule id across files is refused, naming the first definition")
    func duplicateIDs() {
        #expect {
            _ = try RuleSet.load(files: [("a.yaml", Self.valid), ("b.yaml", Self.valid)])
        } throws: { error in
            guard let issue = (error as? ConfigurationError)?.issues.first else { return false }
            return issue.file == "b.yaml" && issue.message.contains("duplicate rule id 'bin-full'")
                && issue.message.contains("a.yaml:2")
        }
    }

    @Test("a resident rule must be triggered by events that carry a resident")
    func residentSubjectNeedsResident() {
        let text = Self.valid.replacingOccurrences(of: "subject: device", with: "subject: resident")
        #expect(throws: ConfigurationError.self) {
            _ = try RuleSet.load(files: [("rules.yaml", text)])
        }
    }
}
