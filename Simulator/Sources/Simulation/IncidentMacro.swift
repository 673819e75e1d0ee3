/// A named incident: a short story that expands to several events, or that silences part of the baseline.
///
/// In a scenario file the macro's name is the key and its parameters the value:
/// `bin-overflow: {device: ZJ-B03-K, readings: [55, 78, 93, 96], every: 30s}`.
public enum IncidentMacro: Sendable, Hashable {
    /// `bin-overflow`: `linli.bin.fill` readings climbing past 90, one every `every`.
    case binOverflow(DeviceReference, readings: [Double], every: Duration)
    /// `bin-overheat`: `linli.bin.temperature` readings climbing past 60, one every `every`.
    case binOverheat(DeviceReference, readings: [Double], every: Duration)
    /// `contamination`: `count` confident `linli.bin.contamination` detections of the wrong stream.
    case contamination(DeviceReference, count: Int, every: Duration, detected: String, confidence: Double)
    /// `gate-forced`: one `linli.gate.forced`.
    case gateForced(DeviceReference)
    /// `door-held-open`: `linli.gate.door` `open`, then `closed` after `for` (never, when `for` is `nil`).
    case doorHeldOpen(DeviceReference, for: Duration?)
    /// `card-tried`: `count` `linli.gate.denied` card attempts, one every `every`.
    case cardTried(DeviceReference, count: Int, every: Duration, reason: String)
    /// `device-silent`: the device sends no baseline traffic for `for` (to the end when `nil`).
    case deviceSilent(DeviceReference, for: Duration?)
    /// `stops-checking-in`: the resident shows no sign of life in the baseline (no check-in, motion or gate
    /// pass) for `for` (to the end when `nil`).
    case stopsCheckingIn(site: String, resident: String, for: Duration?)
    /// `sos`: one `linli.care.sos` from the resident's care device.
    case sos(DeviceReference, resident: String)
    /// `fall`: one `linli.care.fall` from the resident's care device.
    case fall(DeviceReference, resident: String, confidence: Double)
    /// `battery-low`: one heartbeat with this battery level (bins and care devices).
    case batteryLow(DeviceReference, batteryPct: Double)
    /// `malformed`: `count` payloads on the device's topic that Linli must dead-letter, one every `every`.
    case malformed(DeviceReference, kind: MalformedKind, count: Int, every: Duration)

    /// The macro names a scenario file may use.
    public static let names: [String] = [
        "bin-overflow", "bin-overheat", "contamination", "gate-forced", "door-held-open", "card-tried",
        "device-silent", "stops-checking-in", "sos", "fall", "battery-low", "malformed",
    ]

    /// The name used in scenario files.
    public var name: String {
        switch self {
        case .binOverflow: "bin-overflow"
        case .binOverheat: "bin-overheat"
        case .contamination: "contamination"
        case .gateForced: "gate-forced"
        case .doorHeldOpen: "door-held-open"
        case .cardTried: "card-tried"
        case .deviceSilent: "device-silent"
        case .stopsCheckingIn: "stops-checking-in"
        case .sos: "sos"
        case .fall: "fall"
        case .batteryLow: "battery-low"
        case .malformed: "malformed"
        }
    }

    /// The offset from the incident's time of the last message it publishes (zero for macros that publish
    /// one message or only silence the baseline).
    public var span: Duration {
        switch self {
        case .binOverflow(_, let readings, let every), .binOverheat(_, let readings, let every):
            every * max(0, readings.count - 1)
        case .contamination(_, let count, let every, _, _), .cardTried(_, let count, let every, _),
            .malformed(_, _, let count, let every):
            every * max(0, count - 1)
        case .doorHeldOpen(_, let duration):
            duration ?? .zero
        case .gateForced, .deviceSilent, .stopsCheckingIn, .sos, .fall, .batteryLow:
            .zero
        }
    }
}
