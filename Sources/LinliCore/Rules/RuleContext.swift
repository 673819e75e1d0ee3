internal import OrderedCollections

/// What a rule condition or template sees: one event and what the registry knows about its device,
/// resident and site.
///
/// Built once per event by the engine; conditions read it through accessors resolved at load time
/// (``RuleContext/scope``), never by name at run time.
public struct RuleContext: Sendable {
    /// The event with its registered site, held whole: an engine moves the decoder's result in, and reads from
    /// it, instead of copying its parts out.
    private var decoded: DecodedEvent
    /// The resident the event is about (from `data.resident`, or the device's resident), when registered.
    public var resident: Resident?
    /// The resident id the event is about, registered or not.
    public var residentID: String?
    /// The event's device's position in its site's device table, when registered.
    let deviceIndex: Int?

    /// Builds the context of `event` from the registry.
    public init(event: Event, registry: SiteRegistry) {
        self.init(decoded: DecodedEvent(event: event), registry: registry)
    }

    /// Builds the context of an event from the registry, given the entries the decoder found for it (checked: a
    /// site of another id, or a position that does not list this device, is looked up again).
    init(decoded: consuming DecodedEvent, registry: SiteRegistry) {
        if decoded.site?.id != decoded.event.site { decoded.site = registry.sites[decoded.event.site] }
        let device = decoded.event.device
        if let found = decoded.deviceIndex, let keys = decoded.site?.devices.keys, keys.indices.contains(found),
            keys[found] == device
        {
            deviceIndex = found
        } else {
            deviceIndex = decoded.site?.devices.index(forKey: device)
        }
        let residentID = decoded.event.data.resident ?? deviceIndex.flatMap { decoded.site?.devices.values[$0].resident }
        self.residentID = residentID
        resident = residentID.flatMap { decoded.site?.residents[$0] }
        self.decoded = decoded
    }

    /// The event being evaluated.
    public var event: Event { decoded.event }

    /// The event's site's name, when the site is registered.
    public var siteName: String? { decoded.site?.name }

    /// The event's device, when registered.
    public var device: Device? { deviceIndex.flatMap { decoded.site?.devices.values[$0] } }

    /// Whether the event's device is registered (its kind is then the event's: decoding checked it).
    public var isDeviceRegistered: Bool { deviceIndex != nil }
}
