public import LinliCore

/// Makes the events of `linli-sim load`: valid contract events that raise no ticket, spread round-robin over
/// a ``LoadFleet``.
///
/// Message `n` comes from device `n % count`; each device cycles through its kind's everyday types (bins:
/// fill reading, heartbeat, temperature; gates: pass, heartbeat; care devices: heartbeat, and motion when
/// they belong to a resident). Readings stay clear of every threshold (fill at most 85 %, batteries at least
/// 60 %, temperatures below 30 °C). Ids are `load-<run>-<n>`, so two runs never collide in the daemon's
/// de-duplication memory. With `stamp`, the CloudEvents extension attribute `sentat` carries the send time to
/// the microsecond.
///
/// ```swift
/// var generator = LoadEventGenerator(fleet: fleet, runID: "1764201600000", seed: 1)
/// let message = generator.message(0, at: now, stamp: true)
/// ```
public struct LoadEventGenerator: Sendable {
    /// The devices.
    public let fleet: LoadFleet
    /// Distinguishes this run's event ids from other runs'.
    public let runID: String
    private var random: SplitMix64

    /// Creates a generator.
    public init(fleet: LoadFleet, runID: String, seed: UInt64) {
        self.fleet = fleet
        self.runID = runID
        self.random = SplitMix64(seed: seed, stream: "load")
    }

    /// Message `index`, with event time `time` (and `sentat`, when stamping, from `sentAtMicroseconds`).
    /// - Parameters:
    ///   - index: The message's number in the run, from 0.
    ///   - time: The event time (the send time).
    ///   - stamp: Whether to add the `sentat` extension attribute.
    ///   - sentAtMicroseconds: The send time in microseconds since the epoch; the event time when `nil`.
    public mutating func message(
        _ index: Int,
        at time: EventTime,
        stamp: Bool = false,
        sentAtMicroseconds: Int64? = nil
    ) -> (topic: String, payload: [UInt8]) {
        let device = fleet.devices[index % fleet.devices.count]
        let round = index / fleet.devices.count
        let type: EventType
        var data = EventData()
        switch device.kind {
        case .bin:
            switch round % 3 {
            case 0:
                type = .binFill
                data.fillPct = (random.number(in: 5..<85)).rounded()
            case 1:
                type = .binHeartbeat
                data.batteryPct = (random.number(in: 60..<100)).rounded()
            default:
                type = .binTemperature
                data.celsius = (random.number(in: 12..<30) * 10).rounded() / 10
            }
        case .gate:
            if round % 2 == 0 {
                type = .gatePass
                data.credential = random.weighted([("card", 50.0), ("face", 30), ("qr", 15), ("code", 5)])
                data.direction = random.chance(0.5) ? "in" : "out"
            } else {
                type = .gateHeartbeat
            }
        case .care:
            if let resident = device.resident, round % 2 == 1 {
                type = .careMotion
                data.resident = resident
                data.room = ["kitchen", "living-room", "bedroom", "bathroom"][random.index(below: 4)]
            } else {
                type = .careHeartbeat
                data.batteryPct = (random.number(in: 60..<100)).rounded()
            }
        }
        let event = Event(id: "load-\(runID)-\(index)", site: fleet.site, device: device.id, type: type, time: time, data: data)
        var payload = event.payload()
        if stamp, payload.last == UInt8(ascii: "}") {
            payload.removeLast()
            payload += Array(",\"sentat\":\"\(Self.microsecondText(sentAtMicroseconds ?? time.milliseconds * 1000))\"}".utf8)
        }
        return (event.topic, payload)
    }

    /// RFC 3339 in UTC with six fractional digits: `2026-11-27T06:00:00.123456Z`.
    public static func microsecondText(_ microseconds: Int64) -> String {
        let seconds = microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000
        let fraction = microseconds - seconds * 1_000_000
        let whole = RFC3339.format(EventTime(seconds: seconds))
        let digits = String(fraction)
        return whole.dropLast() + "." + String(repeating: "0", count: 6 - digits.count) + digits + "Z"
    }
}
