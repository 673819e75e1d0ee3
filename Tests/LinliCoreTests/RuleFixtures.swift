import Foundation
import LinliCore

/// Shared fixtures for rule and engine tests: the shipped rules and a small registry.
enum RuleFixtures {
    /// The repository's `Config/` directory.
    static let configDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Config")

    /// The shipped rules, loaded from `Config/rules`.
    static func shippedRules() throws -> RuleSet {
        let directory = configDirectory.appendingPathComponent("rules")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".yaml") }
        let files = try names.sorted().map { name in
            (name: name, contents: try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8))
        }
        return try RuleSet.load(files: files)
    }

    /// A site with one device of each kind and a resident who lives alone.
    static let registry = SiteRegistry(sites: [
        Site(
            id: "zijing",
            name: "Zijing Compound",
            timeZone: "Asia/Shanghai",
            devices: [
                Device(
                    id: "ZJ-B03-K",
                    kind: .bin,
                    location: "Building 3, kitchen-waste station",
                    lat: 34.7466,
                    long: 113.6839,
                    stream: "kitchen"
                ),
                Device(id: "ZJ-G01", kind: .gate, location: "North gate"),
                Device(id: "ZJ-C-0012", kind: .care, location: "Building 5, unit 2", resident: "R-0012"),
            ],
            residents: [Resident(id: "R-0012", livingAlone: true, checkinBy: 600)]
        )
    ])

    /// 2026-12-02T00:00:00Z (08:00 in Zhengzhou).
    static let t0 = EventTime(seconds: 1_796_169_600)

    /// An event at `t0 + offset`, with a fresh id unless given.
    static func event(
        _ type: EventType,
        device: String,
        at offset: Duration = .zero,
        data: EventData = EventData(),
        id: String? = nil
    ) -> Event {
        Event(
            id: id ?? UUID().uuidString,
            site: "zijing",
            device: device,
            type: type,
            time: t0 + offset,
            data: data
        )
    }

    /// The single-event rules of the catalogue.
    static let singleEventRules = ["bin-full", "bin-overheat", "gate-forced", "battery-low", "care-sos", "care-fall"]

    /// A fresh engine with some of the shipped rules (by default the single-event ones, so tests of them
    /// are not disturbed by absence rules firing as time passes).
    static func engine(rules ids: [String] = singleEventRules, registry: SiteRegistry = registry) throws -> RuleEngine {
        let all = try shippedRules()
        return RuleEngine(rules: RuleSet(rules: ids.compactMap { all[$0] }), registry: registry)
    }
}
