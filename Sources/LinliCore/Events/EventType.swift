/// Every event type of the v1 wire contract (`events.md`).
public enum EventType: String, Sendable, Hashable, CaseIterable, Codable {
    case binFill = "linli.bin.fill"
    case binContamination = "linli.bin.contamination"
    case binTemperature = "linli.bin.temperature"
    case binHeartbeat = "linli.bin.heartbeat"
    case gatePass = "linli.gate.pass"
    case gateDenied = "linli.gate.denied"
    case gateDoor = "linli.gate.door"
    case gateForced = "linli.gate.forced"
    case gateHeartbeat = "linli.gate.heartbeat"
    case careCheckin = "linli.care.checkin"
    case careSOS = "linli.care.sos"
    case careFall = "linli.care.fall"
    case careMotion = "linli.care.motion"
    case careHeartbeat = "linli.care.heartbeat"

    /// The device kind that may publish this type (the `kind` topic segment must match).
    public var kind: DeviceKind {
        switch self {
        case .binFill, .binContamination, .binTemperature, .binHeartbeat: .bin
        case .gatePass, .gateDenied, .gateDoor, .gateForced, .gateHeartbeat: .gate
        case .careCheckin, .careSOS, .careFall, .careMotion, .careHeartbeat: .care
        }
    }

    /// A dense index, for per-type lookup tables: the position in ``allCases``.
    ///
    /// A `switch`, not `allCases.firstIndex(of:)`: the engine reads it for every event, and building
    /// `allCases` allocates an array.
    public var index: Int {
        switch self {
        case .binFill: 0
        case .binContamination: 1
        case .binTemperature: 2
        case .binHeartbeat: 3
        case .gatePass: 4
        case .gateDenied: 5
        case .gateDoor: 6
        case .gateForced: 7
        case .gateHeartbeat: 8
        case .careCheckin: 9
        case .careSOS: 10
        case .careFall: 11
        case .careMotion: 12
        case .careHeartbeat: 13
        }
    }
}
