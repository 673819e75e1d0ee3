import Foundation
import LinliCore

/// UTC offsets of the sites' time zones, looked up once per zone.
struct OffsetCache {
    /// The sites' zones.
    let registry: SiteRegistry
    /// Zones by site id.
    private var zones: [String: TimeZone] = [:]

    /// Creates an empty cache.
    init(registry: SiteRegistry) {
        self.registry = registry
    }

    /// Seconds east of UTC at `site` at `time` (0 for an unknown site or zone).
    mutating func offsetSeconds(site: String, at time: EventTime) -> Int {
        let zone: TimeZone
        if let cached = zones[site] {
            zone = cached
        } else {
            zone = registry[site: site].flatMap { TimeZone(identifier: $0.timeZone) } ?? TimeZone(secondsFromGMT: 0)!
            zones[site] = zone
        }
        return zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(time.milliseconds) / 1000))
    }
}
