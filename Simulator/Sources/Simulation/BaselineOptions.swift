/// Settings of the everyday traffic ``BaselineGenerator`` makes; every default is documented on its property.
public struct BaselineOptions: Sendable, Hashable {
    /// Gap between fill readings of a bin (default 15 minutes).
    public var fillInterval: Duration
    /// Local hours at which bins are emptied (default 06:00 and 18:00).
    public var collectionHours: [Int]
    /// The fullest a bin gets in the baseline, in percent (default 85): overflowing is an incident, so a
    /// baseline alone raises no `bin-full`.
    public var fillCap: Double
    /// Share of daily check-ins that come after the resident's deadline (default 0.05): those raise
    /// `care-missed-checkin` tickets, which the check-in then resolves.
    public var lateCheckinRate: Double
    /// Gap between heartbeats per device kind (defaults: bin 30 minutes, gate 5 minutes, care 1 hour), well
    /// inside the `device-offline` limits.
    public var binHeartbeat: Duration
    /// See ``binHeartbeat``.
    public var gateHeartbeat: Duration
    /// See ``binHeartbeat``.
    public var careHeartbeat: Duration

    /// Creates options; every parameter has the default documented on its property.
    public init(
        fillInterval: Duration = .seconds(15 * 60),
        collectionHours: [Int] = [6, 18],
        fillCap: Double = 85,
        lateCheckinRate: Double = 0.05,
        binHeartbeat: Duration = .seconds(30 * 60),
        gateHeartbeat: Duration = .seconds(5 * 60),
        careHeartbeat: Duration = .seconds(60 * 60)
    ) {
        self.fillInterval = fillInterval
        self.collectionHours = collectionHours
        self.fillCap = fillCap
        self.lateCheckinRate = lateCheckinRate
        self.binHeartbeat = binHeartbeat
        self.gateHeartbeat = gateHeartbeat
        self.careHeartbeat = careHeartbeat
    }
}
