import LinliCore

/// Paces `linli-sim load`: message `n` is due at `n / rate` after the start; at each wake-up everything due
/// is published, so the average rate holds even when the task wakes late (it catches up instead of drifting).
struct LoadScheduler {
    /// Target messages per second.
    var rate: Double
    /// Messages in all.
    var total: Int

    /// Publishes every message through `publish` (called with 0, 1, 2, … in order), then `flush`.
    /// - Returns: How long publishing and acknowledging took.
    func run(
        publish: (Int) async throws -> Void,
        flush: () async throws -> Void
    ) async throws -> LoadReport {
        let clock = ContinuousClock()
        let began = clock.now
        var next = 0
        var lateWakeups = 0
        while next < total {
            let elapsed = clock.now - began
            let due = min(total, Int(Double(elapsed.nanoseconds) * rate / 1e9) + 1)
            if due - next > 1 { lateWakeups += 1 }
            while next < due {
                try await publish(next)
                next += 1
            }
            if next < total {
                try await clock.sleep(until: began + .nanoseconds(Int64((Double(next) * 1e9 / rate).rounded(.up))))
            }
        }
        let publishing = clock.now - began
        try await flush()
        return LoadReport(
            published: total,
            rate: rate,
            publishing: publishing,
            total: clock.now - began,
            lateWakeups: lateWakeups
        )
    }
}
