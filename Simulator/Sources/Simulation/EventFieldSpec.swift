import LinliCore

/// The `data` fields of each event type (`events.md`), for reading scenario files.
enum EventFieldSpec {
    /// What values a field takes.
    enum Value {
        /// A number in a range.
        case number(ClosedRange<Double>)
        /// One of a few strings.
        case choice([String])
        /// A registered resident id.
        case resident
        /// Any string.
        case text
    }

    /// Waste streams, for contamination.
    static let streams = ["kitchen", "recyclable", "hazardous", "other"]
    /// Gate credentials.
    static let credentials = ["card", "face", "qr", "code"]

    /// The fields a type requires and those it may carry.
    static func fields(of type: EventType) -> (required: [String], optional: [String]) {
        switch type {
        case .binFill: (["fill_pct"], [])
        case .binContamination: (["expected", "detected", "confidence"], [])
        case .binTemperature: (["celsius"], [])
        case .binHeartbeat, .careHeartbeat: (["battery_pct"], [])
        case .gatePass: (["credential", "direction"], ["resident"])
        case .gateDenied: (["credential", "reason"], [])
        case .gateDoor: (["state"], [])
        case .gateForced, .gateHeartbeat: ([], [])
        case .careCheckin: (["resident", "method"], [])
        case .careSOS: (["resident"], [])
        case .careFall: (["resident", "confidence"], [])
        case .careMotion: (["resident"], ["room"])
        }
    }

    /// The values field `name` takes.
    static func value(of name: String) -> Value {
        switch name {
        case "fill_pct", "battery_pct": .number(0...100)
        case "confidence": .number(0...1)
        case "celsius": .number(-40...150)
        case "expected", "detected": .choice(streams)
        case "credential": .choice(credentials)
        case "direction": .choice(["in", "out"])
        case "reason": .choice(["unknown", "expired", "revoked", "mismatch"])
        case "state": .choice(["open", "closed"])
        case "method": .choice(["button", "kiosk", "visit", "app"])
        case "resident": .resident
        default: .text
        }
    }

    /// Sets a number field.
    static func set(_ name: String, number: Double, on data: inout EventData) {
        switch name {
        case "fill_pct": data.fillPct = number
        case "battery_pct": data.batteryPct = number
        case "confidence": data.confidence = number
        case "celsius": data.celsius = number
        default: break
        }
    }

    /// Sets a string field.
    static func set(_ name: String, text: String, on data: inout EventData) {
        switch name {
        case "expected": data.expected = text
        case "detected": data.detected = text
        case "credential": data.credential = text
        case "direction": data.direction = text
        case "resident": data.resident = text
        case "reason": data.reason = text
        case "state": data.state = text
        case "method": data.method = text
        case "room": data.room = text
        default: break
        }
    }
}
