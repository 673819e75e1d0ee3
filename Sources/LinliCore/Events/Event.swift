/// One validated device event: a CloudEvent of the v1 contract, with its topic parts checked.
///
/// Only ``Event/init(topic:payload:registry:)`` (decoding) or a test builds one; an `Event` that exists has
/// passed every rule of `events.md`, so the rules never see bad input.
public struct Event: Sendable, Hashable {
    /// CloudEvents `id`: unique per ``source``.
    public var id: String
    /// CloudEvents `source`: `/sites/{site}/devices/{device}`.
    public var source: String
    /// The site id (from the topic, agreeing with the source).
    public var site: String
    /// The device kind (from the topic, agreeing with the type).
    public var kind: DeviceKind
    /// The device id (from the topic, agreeing with the source).
    public var device: String
    /// The event type.
    public var type: EventType
    /// The event time, which every rule uses.
    public var time: EventTime
    /// The type's data fields.
    public var data: EventData

    /// Creates an event from parts already validated (tests, the simulator).
    public init(
        id: String,
        site: String,
        device: String,
        type: EventType,
        time: EventTime,
        data: EventData = EventData()
    ) {
        self.init(
            id: id,
            source: Self.source(site: site, device: device),
            site: site,
            device: device,
            type: type,
            time: time,
            data: data
        )
    }

    /// Creates an event whose `source` was already checked to agree with `site` and `device` (the decoder).
    init(
        id: String,
        source: String,
        site: String,
        device: String,
        type: EventType,
        time: EventTime,
        data: EventData = EventData()
    ) {
        self.id = id
        self.source = source
        self.site = site
        self.kind = type.kind
        self.device = device
        self.type = type
        self.time = time
        self.data = data
    }

    /// `/sites/{site}/devices/{device}`.
    static func source(site: String, device: String) -> String {
        var source = "/sites/"
        source.reserveCapacity(16 + site.utf8.count + device.utf8.count)
        source += site
        source += "/devices/"
        source += device
        return source
    }

    /// The MQTT topic this event is published on: `linli/v1/{site}/{kind}/{device}/event`.
    public var topic: String { "linli/v1/\(site)/\(kind.rawValue)/\(device)/event" }
}
