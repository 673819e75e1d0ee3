public import LinliCore
internal import OrderedCollections

/// The devices `linli-sim load` spreads its events over: a site's registered devices (by id), then made-up
/// ones when the site accepts unregistered devices.
public struct LoadFleet: Sendable, Hashable {
    /// One device of the fleet.
    public struct Member: Sendable, Hashable {
        /// Device id.
        public var id: String
        /// Its kind (for made-up devices: bin, gate, care in turn).
        public var kind: DeviceKind
        /// The resident of a registered care device.
        public var resident: String?
    }

    /// The site id.
    public let site: String
    /// The devices, registered ones first.
    public let devices: [Member]
    /// How many of them are registered.
    public let registeredCount: Int

    /// Picks `count` devices of `site`.
    /// - Throws: ``LoadFleetError/notEnoughDevices(site:registered:wanted:)`` when the site has fewer
    ///   registered devices and does not accept unregistered ones.
    public init(site: Site, count: Int) throws(LoadFleetError) {
        let registered = site.devices.values.sorted { $0.id < $1.id }.prefix(count)
        var devices = registered.map { Member(id: $0.id, kind: $0.kind, resident: $0.resident) }
        if devices.count < count {
            guard site.acceptUnregistered else {
                throw .notEnoughDevices(site: site.id, registered: devices.count, wanted: count)
            }
            let kinds: [DeviceKind] = [.bin, .gate, .care]
            for number in 1...(count - devices.count) {
                let kind = kinds[(number - 1) % kinds.count]
                let letter = kind == .bin ? "B" : kind == .gate ? "G" : "C"
                devices.append(Member(id: "LOAD-\(letter)-\(Self.padded(number))", kind: kind))
            }
        }
        self.site = site.id
        self.devices = devices
        self.registeredCount = registered.count
    }

    private static func padded(_ number: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }
}

/// Why a load fleet cannot be made.
public enum LoadFleetError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The site has too few registered devices and refuses unregistered ones.
    case notEnoughDevices(site: String, registered: Int, wanted: Int)

    public var description: String {
        switch self {
        case .notEnoughDevices(let site, let registered, let wanted):
            "site '\(site)' has \(registered) registered devices and does not accept unregistered ones, "
                + "so it cannot carry \(wanted) (use fewer --devices, or a site with accept_unregistered: true)"
        }
    }
}
