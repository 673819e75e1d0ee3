import Foundation
import LinliCore
internal import OrderedCollections

/// The demo sites scaled up: a registry of `devices` devices and `residents` residents over two sites named
/// after the demo ones (zijing 74 %, beisan 26 %, as in `Config/sites`).
///
/// The demo registry has 1.24 care devices per resident and bins to gates at 28 : 6; those ratios are kept.
/// With 100,000 devices and 10,000 residents that is 12,400 care devices, 72,110 bins and 15,490 gates. As
/// in the demo, 3 residents in 8 live alone and 1 in 3 has a daily check-in time (09:00 or 10:00).
struct BenchFleet: Sendable {
    /// One device, flattened for the traffic generator.
    struct Member: Sendable {
        var site: String
        var id: String
        var kind: DeviceKind
        var stream: String?
        var resident: String?
        /// A sibling of the same site (a resident's gate passes name residents of the site).
        var siteIndex: Int
    }

    /// The sites' registry.
    let registry: SiteRegistry
    /// Every device, site by site.
    let members: [Member]
    /// Resident ids per site index.
    let residents: [[String]]
    /// Residents with a daily check-in time, per site index (id → deadline in minutes).
    let checkins: [[String: Int]]
    /// The site ids, by index.
    let siteIDs: [String]

    static let streams = ["kitchen", "recyclable", "hazardous", "other"]

    /// Builds the registry.
    init(devices: Int, residents residentCount: Int) {
        let sites: [(id: String, prefix: String, name: String, share: Double)] = [
            ("zijing", "ZJ", "Zijing Compound (benchmark scale)", 0.74),
            ("beisan", "BS", "Beisan Street (benchmark scale)", 0.26),
        ]
        var built: [Site] = []
        var members: [Member] = []
        var residentLists: [[String]] = []
        var checkinLists: [[String: Int]] = []
        var residentsLeft = residentCount
        var devicesLeft = devices
        for (index, site) in sites.enumerated() {
            let last = index == sites.count - 1
            let residentTotal = last ? residentsLeft : Int((Double(residentCount) * site.share).rounded())
            let deviceTotal = last ? devicesLeft : Int((Double(devices) * site.share).rounded())
            residentsLeft -= residentTotal
            devicesLeft -= deviceTotal
            var residents: [Resident] = []
            var checkins: [String: Int] = [:]
            for number in 1...max(1, residentTotal) where residentTotal > 0 {
                let id = "R-\(site.prefix.prefix(1))\(Self.padded(number, 6))"
                let checkinBy: Int? = number % 3 == 0 ? (number % 2 == 0 ? 540 : 600) : nil
                residents.append(Resident(id: id, livingAlone: number % 8 < 3, checkinBy: checkinBy))
                if let checkinBy { checkins[id] = checkinBy }
            }
            let careTotal = min(deviceTotal, residentTotal + residentTotal * 24 / 100)
            let rest = deviceTotal - careTotal
            let gateTotal = rest * 6 / 34
            let binTotal = rest - gateTotal
            var siteDevices: [Device] = []
            siteDevices.reserveCapacity(deviceTotal)
            for number in 0..<binTotal {
                let station = number / 4 + 1
                let stream = Self.streams[number % 4]
                let device = Device(
                    id: "\(site.prefix)-B-\(Self.padded(number + 1, 6))",
                    kind: .bin,
                    location: "Building \(station) sorting station, \(stream) waste",
                    lat: 34.74 + Double(station % 100) * 0.0001,
                    long: 113.68 + Double(station / 100) * 0.0001,
                    stream: stream
                )
                siteDevices.append(device)
            }
            for number in 0..<gateTotal {
                let device = Device(
                    id: "\(site.prefix)-G-\(Self.padded(number + 1, 6))",
                    kind: .gate,
                    location: "Gate \(number + 1)",
                    lat: 34.745,
                    long: 113.685
                )
                siteDevices.append(device)
            }
            for number in 0..<careTotal {
                // Every resident has one device; the first 24 % have a second one.
                let resident = residents[number < residents.count ? number : number - residents.count]
                let device = Device(
                    id: "\(site.prefix)-C-\(Self.padded(number + 1, 6))",
                    kind: .care,
                    location: "Building \(number / 60 + 1), flat \(number % 60 + 1)",
                    resident: resident.id
                )
                siteDevices.append(device)
            }
            for device in siteDevices {
                members.append(
                    Member(
                        site: site.id,
                        id: device.id,
                        kind: device.kind,
                        stream: device.stream,
                        resident: device.resident,
                        siteIndex: index
                    )
                )
            }
            built.append(
                Site(id: site.id, name: site.name, timeZone: "Asia/Shanghai", devices: siteDevices, residents: residents)
            )
            residentLists.append(residents.map(\.id))
            checkinLists.append(checkins)
        }
        self.registry = SiteRegistry(sites: built)
        self.members = members
        self.residents = residentLists
        self.checkins = checkinLists
        self.siteIDs = sites.map(\.id)
    }

    /// Writes the registry as site files (`zijing.yaml`, `beisan.yaml`) that `linli` loads.
    func writeSiteFiles(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for site in registry.sites.values {
            var text = "site: \(site.id)\nname: \(site.name)\ntimezone: \(site.timeZone)\ndevices:\n"
            for device in site.devices.values.sorted(by: { $0.id < $1.id }) {
                text += "  - {id: \(device.id), kind: \(device.kind.rawValue), location: \"\(device.location)\""
                if let lat = device.lat, let long = device.long { text += ", lat: \(lat), long: \(long)" }
                if let stream = device.stream { text += ", stream: \(stream)" }
                if let resident = device.resident { text += ", resident: \(resident)" }
                text += "}\n"
            }
            text += "residents:\n"
            for resident in site.residents.values.sorted(by: { $0.id < $1.id }) {
                text += "  - {id: \(resident.id), living_alone: \(resident.livingAlone)"
                if let minutes = resident.checkinBy {
                    text += ", checkin_by: \"\(Self.padded(minutes / 60, 2)):\(Self.padded(minutes % 60, 2))\""
                }
                text += "}\n"
            }
            try text.write(toFile: directory + "/\(site.id).yaml", atomically: true, encoding: .utf8)
        }
    }

    /// `7` → `000007`.
    static func padded(_ number: Int, _ width: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
