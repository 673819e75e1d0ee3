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
    /// The event's device, when registered.
    public var device: Device?
    /// The resident the event is about (from `data.resident`, or the device's resident), when registered.
    public var resident: Resident?
    /// The resident id the event is about, registered or not.
    public var residentID: String?

    /// Builds the context of `event` from the registry.
    public init(event: Event, registry: SiteRegistry) {
        self.event = event
        siteName = registry.sites[event.site]?.name
        let device = registry.sites[event.site]?.devices[event.device]
        self.device = device
        let residentID = event.data.resident ?? device?.resident
        self.residentID = residentID
        self.resident = residentID.flatMap { registry.sites[event.site]?.residents[$0] }
    }
}
