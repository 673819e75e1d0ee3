/// A decoded event with its site's registry entry and where that entry's device table lists its device: the decoder
/// finds both to validate the event, and the rules read the same entries without looking them up again (a site is
/// found by hashing its id, a device in a table of 100,000, and each copy of a site out of the registry retains
/// its tables).
struct DecodedEvent: Sendable {
    /// The event.
    var event: Event
    /// The device's position in its site's ``Site/devices`` of the registry it was decoded against; `nil` for a
    /// device the site does not list (a site that accepts unregistered devices).
    var deviceIndex: Int?
    /// The event's site in that registry; `nil` when not known (the rules then look it up).
    var site: Site?

    /// An event whose registry entries are not known yet.
    init(event: Event) {
        self.init(event: event, deviceIndex: nil, site: nil)
    }

    /// An event with its registry entries.
    init(event: Event, deviceIndex: Int?, site: Site?) {
        self.event = event
        self.deviceIndex = deviceIndex
        self.site = site
    }
}
