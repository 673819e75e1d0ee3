public import OrderedCollections

/// One community (compound) from the site registry (`sites.md`).
public struct Site: Sendable, Hashable {
    /// `[a-z0-9-]{1,32}`.
    public var id: String
    /// Display name.
    public var name: String
    /// IANA time zone identifier; local deadlines use it.
    public var timeZone: String
    /// When true, events from devices not in ``devices`` are processed (with no location).
    public var acceptUnregistered: Bool
    /// Registered devices by id, in the order the registry lists them.
    ///
    /// An ordered dictionary keeps the devices in one dense array and its hash table as small integers: for the
    /// 100,000 devices of a large registry that is 11 MB, where a `Dictionary`'s buckets (a power of two, at most
    /// three quarters full, each a key and a 96-byte device) took 22 MB.
    public var devices: OrderedDictionary<String, Device>
    /// Registered residents by id.
    public var residents: [String: Resident]

    /// Creates a site.
    public init(
        id: String,
        name: String,
        timeZone: String,
        acceptUnregistered: Bool = false,
        devices: [Device] = [],
        residents: [Resident] = []
    ) {
        self.id = id
        self.name = name
        self.timeZone = timeZone
        self.acceptUnregistered = acceptUnregistered
        var byID = OrderedDictionary<String, Device>(minimumCapacity: devices.count)
        for device in devices where byID[device.id] == nil {
            byID[device.id] = device
        }
        self.devices = byID
        self.residents = Dictionary(residents.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// A registered device.
///
/// The stored properties are declared widest first (the one-byte kind last), which keeps the value at 96 bytes
/// instead of 104: a registry holds 100,000 of them.
public struct Device: Sendable, Hashable {
    /// `[A-Za-z0-9_-]{1,64}`.
    public var id: String
    /// Human-readable location, copied into tickets.
    public var location: String
    /// Bins: the waste stream (`kitchen`, `recyclable`, `hazardous`, `other`).
    public var stream: String?
    /// Care devices: the resident it belongs to.
    public var resident: String?
    /// Latitude, when known.
    public var lat: Double?
    /// Longitude, when known.
    public var long: Double?
    /// Its kind; events on another kind's topic are rejected.
    public var kind: DeviceKind

    /// Creates a device.
    public init(
        id: String,
        kind: DeviceKind,
        location: String,
        lat: Double? = nil,
        long: Double? = nil,
        stream: String? = nil,
        resident: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.location = location
        self.lat = lat
        self.long = long
        self.stream = stream
        self.resident = resident
    }
}

/// A registered resident: pseudonymous, no names.
public struct Resident: Sendable, Hashable {
    /// Pseudonymous id, e.g. `R-0012`.
    public var id: String
    /// Lives alone: watched by `care-no-activity`.
    public var livingAlone: Bool
    /// Daily check-in deadline, local time, as minutes after midnight (`"10:00"` is 600).
    public var checkinBy: Int?

    /// Creates a resident.
    public init(id: String, livingAlone: Bool = false, checkinBy: Int? = nil) {
        self.id = id
        self.livingAlone = livingAlone
        self.checkinBy = checkinBy
    }
}
