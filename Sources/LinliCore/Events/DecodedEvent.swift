/// A decoded event with where its site's device table lists its device: the decoder finds the device to
/// validate the event, and the rules read the same entry without a second look-up in a table of 100,000.
struct DecodedEvent: Sendable {
    /// The event.
    var event: Event
    /// The device's position in its site's ``Site/devices`` of the registry it was decoded against; `nil` for a
    /// device the site does not list (a site that accepts unregistered devices).
    var deviceIndex: Int?
}
