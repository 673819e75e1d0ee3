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
