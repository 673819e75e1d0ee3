import Foundation
import LinliCore
import Simulation
import TestSupport

/// Shared test inputs: a small registry built in code, and the repository's own sites and scenarios.
enum Fixtures {
    /// The repository root.
    static let root = Repository.root

    /// A two-site registry small enough to reason about.
    static let registry = SiteRegistry(sites: [
        Site(
            id: "zijing",
            name: "Zijing",
            timeZone: "Asia/Shanghai",
            devices: [
                Device(id: "ZJ-B03-K", kind: .bin, location: "Building 3, kitchen", stream: "kitchen"),
                Device(id: "ZJ-B03-R", kind: .bin, location: "Building 3, recyclables", stream: "recyclable"),
                Device(id: "ZJ-G01", kind: .gate, location: "North gate"),
                Device(id: "ZJ-C-0012", kind: .care, location: "Building 5", resident: "R-0012"),
                Device(id: "ZJ-C-0013", kind: .care, location: "Building 6", resident: "R-0013"),
            ],
            residents: [
                Resident(id: "R-0012", livingAlone: true, checkinBy: 600),
                Resident(id: "R-0013"),
            ]
        ),
        Site(
            id: "beisan",
            name: "Beisan",
            timeZone: "Asia/Shanghai",
            devices: [Device(id: "BS-B01-K", kind: .bin, location: "Lane 1", stream: "kitchen")]
        ),
    ])

    /// 2026-11-27T08:00:00+08:00.
    static let start = RFC3339.parse("2026-11-27T08:00:00+08:00")!

    /// Loads a scenario written in a test against ``registry``.
    static func scenario(_ text: String) throws(ConfigurationError) -> Scenario {
        try Scenario.load(file: "test.yaml", contents: text, registry: registry)
    }

    /// The registry in `Config/sites`.
    static func configRegistry() throws -> SiteRegistry {
        let directory = root.appendingPathComponent("Config/sites")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
        let files = try names.map { name in
            (name: name, contents: try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8))
        }
        return try SiteRegistry.load(files: files)
    }

    /// The text of a shipped scenario in `Simulator/Scenarios`.
    static func shippedScenario(_ name: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent("Simulator/Scenarios/\(name)"), encoding: .utf8)
    }

    /// A shipped scenario loaded against the registry in `Config/sites`, and that registry.
    static func loadShipped(_ name: String) throws -> (scenario: Scenario, registry: SiteRegistry) {
        let registry = try configRegistry()
        return (try Scenario.load(file: name, contents: try shippedScenario(name), registry: registry), registry)
    }
}
