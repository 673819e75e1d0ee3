import LinliCore

/// Builds payloads that break one rule of `events.md` each, for the `malformed` macro.
enum MalformedPayload {
    /// A message of `kind` that looks as if `device` sent it.
    ///
    /// Starts from a valid event of the device's kind (a fill reading, a door report, a heartbeat) and breaks
    /// exactly one thing, so the dead-letter reason names what the kind says.
    static func make(
        _ kind: MalformedKind,
        device: DeviceReference,
        kindOfDevice: DeviceKind,
        time: EventTime,
        id: String,
        ordinal: Int,
        offsetSeconds: Int
    ) -> (topic: String, payload: [UInt8]) {
        var site = device.site
        var deviceID = device.device
        switch kind {
        case .unknownDevice: deviceID = "ZZ-UNREGISTERED-\(ordinal)"
        case .unknownSite: site = "unregistered-site"
        default: break
        }
        let event = Event(id: id, site: site, device: deviceID, type: validType(kindOfDevice), time: time, data: validData(kindOfDevice))
        let valid = event.payload(offsetSeconds: offsetSeconds)
        guard case .object(var object)? = try? JSONValue(parsing: valid) else { return (event.topic, valid) }

        switch kind {
        case .notJSON:
            return (event.topic, Array(valid.prefix(valid.count / 2)))
        case .notUTF8:
            return (event.topic, breakUTF8(valid, id: id))
        case .missingTime:
            object["time"] = nil
        case .unknownType:
            object["type"] = .string("linli.\(kindOfDevice.rawValue).teleport")
        case .badValue:
            object["data"] = .object(badData(kindOfDevice))
        case .sourceMismatch:
            object["source"] = .string("/sites/\(site)/devices/\(deviceID)-OTHER")
        case .oversized:
            object["subject"] = .string(String(repeating: "x", count: Event.payloadLimit + 1024))
        case .unknownDevice, .unknownSite:
            break
        }
        var writer = JSONWriter(capacity: valid.count + 64)
        writer.value(.object(object))
        return (event.topic, writer.bytes)
    }

    /// A type every device of `kind` may send, with data that makes it valid.
    private static func validType(_ kind: DeviceKind) -> EventType {
        switch kind {
        case .bin: .binFill
        case .gate: .gateDoor
        case .care: .careHeartbeat
        }
    }

    private static func validData(_ kind: DeviceKind) -> EventData {
        switch kind {
        case .bin: EventData(fillPct: 50)
        case .gate: EventData(state: "closed")
        case .care: EventData(batteryPct: 80)
        }
    }

    /// The data of ``validType(_:)`` with a value outside its range or enumeration.
    private static func badData(_ kind: DeviceKind) -> JSONObject {
        switch kind {
        case .bin: ["fill_pct": .number(150)]
        case .gate: ["state": .string("ajar")]
        case .care: ["battery_pct": .number(140)]
        }
    }

    /// The payload with the first two bytes of its id replaced by an invalid UTF-8 sequence (`C3 28`).
    private static func breakUTF8(_ payload: [UInt8], id: String) -> [UInt8] {
        let needle = Array("\"\(id)\"".utf8)
        var bytes = payload
        guard needle.count >= 4, bytes.count >= needle.count else { return [0xC3, 0x28] + bytes }
        for start in 0...(bytes.count - needle.count) where bytes[start..<(start + needle.count)].elementsEqual(needle) {
            bytes[start + 1] = 0xC3
            bytes[start + 2] = 0x28
            return bytes
        }
        return [0xC3, 0x28] + bytes
    }
}
