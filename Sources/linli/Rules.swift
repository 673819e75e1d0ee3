import ArgumentParser
import Foundation
import LinliCore
import LinliDaemon
internal import OrderedCollections

extension Linli {
    /// `linli rules …`: check the rules and site registries.
    struct Rules: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check rules and site registries.",
            subcommands: [Check.self, RunTests.self]
        )
    }
}

extension Linli.Rules {
    /// `linli rules check [DIR]`.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate rules and site registries; print every error as file:line:column and exit non-zero."
        )

        @OptionGroup var options: SharedOptions
        @Argument(help: "Rules directory (default: rules.dir from the configuration, Config/rules).")
        var directory: String?

        func run() async throws {
            let configuration = try await options.loadConfiguration()
            var issues: [ConfigurationIssue] = []
            var summary: [String] = []
            do {
                let registry = try ConfigurationFiles.loadSites(from: configuration.sitesDirectory)
                let devices = registry.sites.values.reduce(0) { $0 + $1.devices.count }
                summary.append("\(registry.sites.count) site(s) with \(devices) device(s)")
            } catch {
                issues += error.issues
            }
            do {
                let rules = try ConfigurationFiles.loadRules(from: directory ?? configuration.rulesDirectory)
                summary.append("\(rules.rules.count) rule(s)")
            } catch {
                issues += error.issues
            }
            guard issues.isEmpty else {
                for issue in issues {
                    printError("\(issue)")
                }
                printError("\(issues.count) error(s)")
                throw ExitCode.failure
            }
            print("ok: " + summary.joined(separator: ", "))
        }
    }
}

extension Linli.Rules {
    /// `linli rules test [DIR]`.
    struct RunTests: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test",
            abstract: "Run the rule tests shipped next to the rules (DIR/tests/*.yaml); exit non-zero on a failure.",
            discussion: "Each test plays events at given times through the real engine and checks the tickets."
        )

        @OptionGroup var options: SharedOptions
        @Argument(help: "Rules directory (default: rules.dir from the configuration, Config/rules).")
        var directory: String?

        func run() async throws {
            let configuration = try await options.loadConfiguration()
            let rulesDirectory = directory ?? configuration.rulesDirectory
            let loaded: (rules: RuleSet, registry: SiteRegistry, tests: [RuleTest])
            do {
                loaded = try Self.load(sites: configuration.sitesDirectory, rules: rulesDirectory)
            } catch {
                for issue in error.issues { printError("\(issue)") }
                throw ExitCode.failure
            }
            let (rules, registry, tests) = loaded
            var failed = 0
            for test in tests {
                let result = RuleTestRunner.run(test, rules: rules, registry: registry)
                print("\(result.passed ? "pass" : "FAIL")  \(test.name)")
                for failure in result.failures { print("      \(failure)") }
                if !result.passed { failed += 1 }
            }
            print("\(tests.count - failed) passed, \(failed) failed")
            if failed > 0 { throw ExitCode.failure }
        }

        /// The rules, the sites and every rule test in `rules/tests`.
        static func load(
            sites: String,
            rules: String
        ) throws(ConfigurationError)
            -> (rules: RuleSet, registry: SiteRegistry, tests: [RuleTest])
        {
            let registry = try ConfigurationFiles.loadSites(from: sites)
            let ruleSet = try ConfigurationFiles.loadRules(from: rules)
            var tests: [RuleTest] = []
            for file in try ConfigurationFiles.yamlFiles(in: rules + "/tests") {
                tests += try RuleTest.load(file: file.name, contents: file.contents)
            }
            return (ruleSet, registry, tests)
        }
    }
}

/// Writes a line to standard error.
func printError(_ line: String) {
    var standardError = StandardError()
    print(line, to: &standardError)
}

/// Standard error as a `TextOutputStream`.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}
