import Foundation
public import LinliCore
internal import OrderedCollections

/// Everyday traffic of a community, made from its site registry: what Linli sees when nothing is wrong.
///
/// - Bins report their fill level every ``BaselineOptions/fillInterval``, filling faster around meals and
///   emptied at the collection hours; now and then a contamination with a mostly low confidence; a
///   temperature every hour; heartbeats with slowly draining batteries.
/// - Gates send heartbeats and passes, with morning (mostly out) and evening (mostly in) peaks; some passes
///   carry a resident id.
/// - Care devices send heartbeats, and motion in the resident's home by day; residents with a `checkin_by`
///   deadline check in every day, most before it, some (``BaselineOptions/lateCheckinRate``) after it.
///
/// Deterministic: each device draws from its own ``SplitMix64`` stream named after the seed, site and device,
/// so adding a device does not change the others' traffic. Local hours use the site's time zone at the
/// start (a daylight-saving change inside a run is not followed). Events come back with empty ids;
/// ``ScenarioGenerator`` assigns them.
public struct BaselineGenerator: Sendable {
    /// The sites' registry.
    public let registry: SiteRegistry
    /// The sites to generate for.
    public let sites: [String]
    /// Rates and schedules.
    public let options: BaselineOptions

    /// Creates a generator.
    public init(registry: SiteRegistry, sites: [String], options: BaselineOptions = BaselineOptions()) {
        self.registry = registry
        self.sites = sites
        self.options = options
    }

    /// The baseline events with times in `start ..< end`, unordered, ids empty.
    public func events(from start: EventTime, to end: EventTime, seed: UInt64) -> [Event] {
        events(from: start, to: end, seed: seed, silences: [])
    }

    /// The baseline events, leaving out those a silence covers.
    func events(from start: EventTime, to end: EventTime, seed: UInt64, silences: [BaselineSilence]) -> [Event] {
        var events: [Event] = []
        for siteID in sites {
            guard let site = registry[site: siteID] else { continue }
            let zone = TimeZone(identifier: site.timeZone) ?? TimeZone(secondsFromGMT: 0)!
            let clock = LocalClock(
                offsetMilliseconds: Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(start.milliseconds) / 1000))) * 1000
            )
            let residents = site.residents.keys.sorted()
            let context = Context(site: site, clock: clock, start: start, end: end, seed: seed, options: options)
            for device in site.devices.values.sorted(by: { $0.id < $1.id }) {
                switch device.kind {
                case .bin: context.bin(device, into: &events)
                case .gate: context.gate(device, residents: residents, into: &events)
                case .care: context.care(device, into: &events)
                }
            }
            for residentID in residents {
                guard let resident = site.residents[residentID], let deadline = resident.checkinBy,
                    let device = site.devices.values.filter({ $0.resident == residentID }).min(by: { $0.id < $1.id })
                else { continue }
                context.checkins(resident: residentID, deadlineMinutes: deadline, device: device, into: &events)
            }
        }
        guard !silences.isEmpty else { return events }
        return events.filter { event in !silences.contains { $0.silences(event) } }
    }
}
