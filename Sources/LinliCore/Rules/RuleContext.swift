internal import OrderedCollections

/// What a rule condition or template sees: one event and what the registry knows about its device,
/// resident and site.
///
/// Built once per event by the engine; conditions read it through accessors resolved at load time
/// (``RuleContext/scope``), never by name at run time.
public struct RuleContext: Sendable {
    /// The event being evaluated.
    public var event: Event
    /// The event's site's name, when the site is registered (rules read nothing else of the site, so the
    /// context does not copy it).
    public var siteName: String?
    /// The resident the event is about (from `data.resident`, or the device's resident), when registered.
    public var resident: Resident?
    /// The resident id the event is about, registered or not.
    public var residentID: String?
    /// The site's device table and the event's device's place in it: most events never read their device's
    /// registry entry (only templates and a few conditions do), so it is not copied until one does.
    private let devices: OrderedDictionary<String, Device>
    /// The event's device's position in its site's device table, when registered.
    let deviceIndex: Int?

    /// Builds the context of `event` from the registry.
    public init(event: Event, registry: SiteRegistry) {
        self.init(event: event, registry: registry, deviceIndex: nil)
    }

    /// Builds the context of `event` from the registry, given where the decoder found its device in the site's
    /// device table (checked: a position that does not list this device is looked up again).
    init(event: Event, registry: SiteRegistry, deviceIndex found: Int?) {
        self.event = event
        let site = registry.sites.index(forKey: event.site)
        siteName = site.map { registry.sites.values[$0].name }
        devices = site.map { registry.sites.values[$0].devices } ?? [:]
        if let found, devices.keys.indices.contains(found), devices.keys[found] == event.device {
            deviceIndex = found
        } else {
            deviceIndex = devices.index(forKey: event.device)
        }
        let residentID = event.data.resident ?? deviceIndex.flatMap { devices.values[$0].resident }
        self.residentID = residentID
        resident = residentID.flatMap { id in site.flatMap { registry.sites.values[$0].residents[id] } }
    }

    /// The event's device, when registered.
    public var device: Device? { deviceIndex.map { devices.values[$0] } }

    /// Whether the event's device is registered (its kind is then the event's: decoding checked it).
    public var isDeviceRegistered: Bool { deviceIndex != nil }
}
