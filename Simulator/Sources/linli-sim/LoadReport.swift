import LinliCore

/// What a `linli-sim load` run achieved.
struct LoadReport {
    /// Messages published.
    var published: Int
    /// The target rate, messages per second.
    var rate: Double
    /// From the start to the last publish.
    var publishing: Duration
    /// From the start to the last acknowledgement.
    var total: Duration
    /// Wake-ups that found more than one message due (the scheduler caught up).
    var lateWakeups: Int

    /// The publish rate: messages over the time they took, counting the last message's own slot
    /// (`1 / rate`), so a perfectly paced run reports exactly the target.
    var publishRate: Double {
        Double(published) / (seconds(publishing) + 1 / rate)
    }

    /// Messages over the time until the broker had acknowledged them all.
    var acknowledgedRate: Double {
        Double(published) / max(seconds(total), 1 / rate)
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.nanoseconds) / 1e9
    }
}
