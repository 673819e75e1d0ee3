extension RuleContext {
    /// Every name a rule condition or template may use, with its type.
    ///
    /// - `type`, `site`, `time` (RFC 3339 text), `event.id`
    /// - `device.id`, `device.kind`, `device.location`, `device.stream`, `device.resident`, `device.lat`, `device.long`
    /// - `data.fill_pct`, `data.expected`, `data.detected`, `data.confidence`, `data.celsius`, `data.battery_pct`,
    ///   `data.credential`, `data.direction`, `data.resident`, `data.reason`, `data.state`, `data.method`, `data.room`
    /// - `resident.id`, `resident.living_alone`, `resident.checkin_by` (minutes after local midnight)
    /// - `site.name`
    ///
    /// A field an event or registry entry does not have reads as `null`.
    public static let scope: ExpressionScope<RuleContext> = {
        var scope = ExpressionScope<RuleContext>()
        scope.define("type", string: { $0.event.type.rawValue })
        scope.define("site", string: { $0.event.site })
        scope.define("site.name", string: { $0.siteName })
        scope.define("time", string: { $0.event.time.description })
        scope.define("event.id", string: { $0.event.id })
        scope.define("device.id", string: { $0.event.device })
        scope.define("device.kind", string: { $0.event.kind.rawValue })
        scope.define("device.location", string: { $0.device?.location })
        scope.define("device.stream", string: { $0.device?.stream })
        scope.define("device.resident", string: { $0.device?.resident })
        scope.define("device.lat", number: { $0.device?.lat })
        scope.define("device.long", number: { $0.device?.long })
        scope.define("data.fill_pct", number: { $0.event.data.fillPct })
        scope.define("data.expected", string: { $0.event.data.expected })
        scope.define("data.detected", string: { $0.event.data.detected })
        scope.define("data.confidence", number: { $0.event.data.confidence })
        scope.define("data.celsius", number: { $0.event.data.celsius })
        scope.define("data.battery_pct", number: { $0.event.data.batteryPct })
        scope.define("data.credential", string: { $0.event.data.credential })
        scope.define("data.direction", string: { $0.event.data.direction })
        scope.define("data.resident", string: { $0.event.data.resident })
        scope.define("data.reason", string: { $0.event.data.reason })
        scope.define("data.state", string: { $0.event.data.state })
        scope.define("data.method", string: { $0.event.data.method })
        scope.define("data.room", string: { $0.event.data.room })
        scope.define("resident.id", string: { $0.residentID })
        scope.define("resident.living_alone", bool: { $0.resident?.livingAlone })
        scope.define("resident.checkin_by", number: { $0.resident?.checkinBy.map(Double.init) })
        return scope
    }()
}
