import ArgumentParser
import Foundation
import LinliCore
import LinliDaemon

extension Linli {
    /// `linli rules …`: check the rules and site registries.
    struct Rules: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check rules and site registries.",
            subcommands: [Check.self]
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
