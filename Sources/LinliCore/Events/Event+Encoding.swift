extension Event {
    /// The contract payload of this event: a CloudEvent in structured JSON mode, `time` in UTC.
    ///
    /// The simulator publishes with it. Writes `specversion`, `id`, `source`, `type`, `time`,
    /// `datacontenttype` and the data fields of the event's type (fields of other types are not part of the
    /// contract and are left out; absent optional fields are omitted). Decoding the payload on ``topic`` gives
    /// back an equal event, time to the millisecond:
    ///
    /// ```swift
    /// let payload = event.payload()
    /// try Event(topic: event.topic, payload: payload, registry: registry) == event   // true
    /// ```
    public func payload() -> [UInt8] {
        payload(offsetSeconds: 0)
    }

    /// The contract payload with `time` written at a fixed UTC offset, e.g. `28800` for `+08:00`
    /// (a device's local time; the instant is the same).
    public func payload(offsetSeconds: Int) -> [UInt8] {
        var writer = JSONWriter(capacity: 320)
        write(to: &writer, offsetSeconds: offsetSeconds)
        return writer.bytes
    }

    /// Writes the contract CloudEvent of this event as one value into `writer`.
    /// - Parameters:
    ///   - writer: The writer, e.g. one building an array of events.
    ///   - offsetSeconds: The UTC offset `time` is written at; 0 writes `Z`.
    public func write(to writer: inout JSONWriter, offsetSeconds: Int = 0) {
        writer.beginObject()
        writer.key("specversion")
        writer.string("1.0")
        writer.key("id")
        writer.string(id)
        writer.key("source")
        writer.string(source)
        writer.key("type")
        writer.string(type.rawValue)
        writer.key("time")
        writer.string(RFC3339.format(time, offsetSeconds: offsetSeconds))
        writer.key("datacontenttype")
        writer.string("application/json")
        writer.key("data")
        writer.beginObject()
        for requirement in EventDataField.fields(of: type) {
            let field = requirement.field
            if let number = field.number(in: data) {
                writer.key(field.jsonName)
                writer.number(number)
            } else if let string = field.string(in: data) {
                writer.key(field.jsonName)
                writer.string(string)
            }
        }
        writer.endObject()
        writer.endObject()
    }
}
