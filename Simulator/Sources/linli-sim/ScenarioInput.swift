import ArgumentParser
import Foundation
import LinliCore
import Simulation

/// The scenario file and the site registry it runs on, read from disk.
struct ScenarioInput: ParsableArguments {
    @Argument(help: "The scenario file, e.g. Simulator/Scenarios/smoke.yaml.")
    var scenario: String

    @Option(help: "The directory of site registry files (*.yaml).")
    var sites: String = "Config/sites"

    /// Reads and checks the registry and the scenario; problems come back as one error, a line each.
    func load() throws -> (scenario: Scenario, registry: SiteRegistry) {
        let registry = try Self.registry(from: sites)
        let text = try FileReading.text(at: scenario, what: "scenario")
        do {
            return (try Scenario.load(file: scenario, contents: text, registry: registry), registry)
        } catch {
            throw SimulatorError("invalid scenario:\n\(error)")
        }
    }

    /// The site registry in the directory `sites`.
    static func registry(from sites: String) throws -> SiteRegistry {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: sites)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        } catch {
            throw SimulatorError("cannot read the site registry directory '\(sites)' (set it with --sites)")
        }
        guard !names.isEmpty else { throw SimulatorError("no site files (*.yaml) in '\(sites)'") }
        var files: [(name: String, contents: String)] = []
        for name in names {
            let path = (sites as NSString).appendingPathComponent(name)
            files.append((path, try FileReading.text(at: path, what: "site file")))
        }
        do {
            return try SiteRegistry.load(files: files)
        } catch {
            throw SimulatorError("invalid site registry:\n\(error)")
        }
    }
}
