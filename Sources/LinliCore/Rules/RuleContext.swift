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

    /// Builds the context of `event` from the registry.
    public init(event: Event, registry: SiteRegistry) {
        self.init(decoded: DecodedEvent(event: event), registry: registry)
    }

    /// Builds the context of an event from the registry, given the entries the decoder found for it (checked: a
    /// site of another id, or a position that does not list this device, is looked up again).
    init(decoded: consuming DecodedEvent, registry: SiteRegistry) {
        if decoded.site?.id != decoded.event.site { decoded.site = registry.sites[decoded.event.site] }
        let device = decoded.event.device
        // The decoder's position stands if the site lists the device there (-1: none was found).
        let found = decoded.deviceIndex ?? -1
        let keys = decoded.site?.devices.keys
        let stillListed = keys.map { $0.indices.contains(found) && $0[found] == device } ?? false
        if !stillListed { decoded.deviceIndex = decoded.site?.devices.index(forKey: device) }
        let residentID =
            decoded.event.data.resident ?? decoded.deviceIndex.flatMap { decoded.site?.devices.values[$0].resident }
        self.residentID = residentID
        resident = residentID.flatMap { decoded.site?.residents[$0] }
        self.decoded = decoded
    }

    /// The event being evaluated.
    public var event: Event { decoded.event }

    /// The event's device's position in its site's device table, when registered (checked when the context is built).
    var deviceIndex: Int? { decoded.deviceIndex }

    /// The event's site's name, when the site is registered.
    public var siteName: String? { decoded.site?.name }

    /// The event's device, when registered.
    public var device: Device? { deviceIndex.flatMap { decoded.site?.devices.values[$0] } }

    /// Whether the event's device is registered (its kind is then the event's: decoding checked it).
    public var isDeviceRegistered: Bool { deviceIndex != nil }
}
