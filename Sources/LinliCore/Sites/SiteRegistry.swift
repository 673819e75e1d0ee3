internal import OrderedCollections

/// Every site Linli knows, by id: the registry events are checked against and tickets take locations from.
public struct SiteRegistry: Sendable, Hashable {
    /// Sites by id.
    public var sites: [String: Site]

    /// Creates a registry from sites (a later duplicate id is ignored; the loader reports duplicates).
    public init(sites: [Site] = []) {
        self.sites = Dictionary(sites.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The site with this id, if registered.
    public subscript(site id: String) -> Site? { sites[id] }

    /// The registered device, if any.
    public func device(_ device: String, at site: String) -> Device? {
        sites[site]?.devices[device]
    }

    /// The registered resident, if any.
    public func resident(_ resident: String, at site: String) -> Resident? {
        sites[site]?.residents[resident]
    }
}

extension SiteRegistry {
    /// The same registry with every device's location (the one string per device too long to be stored inline) in
    /// storage of its own, allocated now.
    ///
    /// Call it once the files' YAML trees are gone: a location string made while its file's tree was alive sits among
    /// the tree's freed nodes, and 100,000 of them keep nearly every page of that freed memory resident (with 100,000
    /// devices, about 100 MB the process could not return). Copied now, they pack together and the rest can be
    /// returned to the system.
    public func compacted() -> SiteRegistry {
        var copy = self
        for id in sites.keys {
            copy.sites[id]?.compactDeviceStrings()
        }
        return copy
    }
}

extension Site {
    /// Gives every device's location fresh storage (see ``SiteRegistry/compacted()``).
    mutating func compactDeviceStrings() {
        for index in devices.values.indices {
            devices.values[index].location = Self.freshCopy(of: devices.values[index].location)
        }
    }

    /// A string equal to `text` in storage of its own (a plain copy would share `text`'s).
    private static func freshCopy(of text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            String(unsafeUninitializedCapacity: bytes.count) { buffer in
                _ = buffer.initialize(fromContentsOf: bytes)
                return bytes.count
            }
        }
    }
}
