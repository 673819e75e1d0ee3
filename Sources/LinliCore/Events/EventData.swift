/// The `data` of an event, decoded and validated for its type.
///
/// A flat value with one optional slot per field the contract defines; a field is set only for the types
/// that carry it (the decoder's one table of fields per type). Flat storage keeps decoding allocation-light and lets
/// compiled rule conditions read a field without a dictionary look-up.
public struct EventData: Sendable, Hashable {
    /// `linli.bin.fill`: 0...100.
    public var fillPct: Double?
    /// `linli.bin.contamination`: the stream the bin is for.
    public var expected: String?
    /// `linli.bin.contamination`: the stream detected.
    public var detected: String?
    /// `linli.bin.contamination`, `linli.care.fall`: 0...1.
    public var confidence: Double?
    /// `linli.bin.temperature`: -40...150.
    public var celsius: Double?
    /// Heartbeats of bins and care devices: 0...100.
    public var batteryPct: Double?
    /// `linli.gate.pass`, `linli.gate.denied`: `card`, `face`, `qr` or `code`.
    public var credential: String?
    /// `linli.gate.pass`: `in` or `out`.
    public var direction: String?
    /// Care events (required) and gate passes (optional): a pseudonymous resident id.
    public var resident: String?
    /// `linli.gate.denied`: `unknown`, `expired`, `revoked` or `mismatch`.
    public var reason: String?
    /// `linli.gate.door`: `open` or `closed`.
    public var state: String?
    /// `linli.care.checkin`: `button`, `kiosk`, `visit` or `app`.
    public var method: String?
    /// `linli.care.motion`: optional room name.
    public var room: String?

    /// Creates empty data; set the fields the event type carries.
    public init(
        fillPct: Double? = nil,
        expected: String? = nil,
        detected: String? = nil,
        confidence: Double? = nil,
        celsius: Double? = nil,
        batteryPct: Double? = nil,
        credential: String? = nil,
        direction: String? = nil,
        resident: String? = nil,
        reason: String? = nil,
        state: String? = nil,
        method: String? = nil,
        room: String? = nil
    ) {
        self.fillPct = fillPct
        self.expected = expected
        self.detected = detected
        self.confidence = confidence
        self.celsius = celsius
        self.batteryPct = batteryPct
        self.credential = credential
        self.direction = direction
        self.resident = resident
        self.reason = reason
        self.state = state
        self.method = method
        self.room = room
    }
}
