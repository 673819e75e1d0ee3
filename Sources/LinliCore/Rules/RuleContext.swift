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
        self.init(decoded: DecodedEvent(event: event), registry: registry)
    }

    /// Builds the context of an event from the registry, given the entries the decoder found for it (checked: a
    /// site of another id, or a position that does not list this device, is looked up again).
    init(decoded: consuming DecodedEvent, registry: SiteRegistry) {
        let found = decoded.deviceIndex
        let site = decoded.site.flatMap { $0.id == decoded.event.site ? $0 : nil } ?? registry.sites[decoded.event.site]
        event = decoded.event
        siteName = site?.name
        devices = site?.devices ?? [:]
        if let found, devices.keys.indices.contains(found), devices.keys[found] == event.device {
            deviceIndex = found
        } else {
            deviceIndex = devices.index(forKey: event.device)
        }
        let residentID = event.data.resident ?? deviceIndex.flatMap { devices.values[$0].resident }
        self.residentID = residentID
        resident = residentID.flatMap { site?.residents[$0] }
    }

    /// The event's device, when registered.
    public var device: Device? { deviceIndex.map { devices.values[$0] } }

    /// Whether the event's device is registered (its kind is then the event's: decoding checked it).
    public var isDeviceRegistered: Bool { deviceIndex != nil }
}
