extension RuleEngine {
    /// Forgets, a few subjects at a time, what can no longer affect a decision: window matches too old to share a
    /// window with any event still accepted, and the last match of a quiet-resolving rule whose subject has no
    /// unresolved ticket and which is older than any event still accepted. A state left with nothing is dropped
    /// (and its row with the next commit).
    ///
    /// Without it a day's windows stay in memory: one for every bin that ever reported contamination and every gate
    /// that ever denied entry (50,000 of them at the end of a day of the benchmark's traffic). No decision changes:
    /// a window is only ever searched for runs that include the newest match, and a last match only ever counts
    /// through `max(last match, a later trigger)`.
    ///
    /// - Parameters:
    ///   - horizon: No event older than this will be applied again (the processor's clock minus its lateness).
    ///   - budget: How many keyed states to look at; the next call goes on from there, round and round.
    public mutating func forgetStale(before horizon: EventTime, budget: Int) {
        for _ in 0..<budget {
            guard let (key, state) = states.nextToSweep() else { return }
            // Signs of life, openings and armed timers are never stale; nearly every state is only those.
            guard !state.recent.isEmpty || state.lastMatch != nil, let rule = rules[key.rule] else { continue }
            let pruned = Self.pruned(state, rule: rule, hasTicket: unresolved[key] != nil, now: now, horizon: horizon)
            guard pruned != state else { continue }
            states[key] = pruned.isEmpty && !pruned.absenceArmed ? nil : pruned
            states.markChanged(key)
        }
    }

    /// `state` without what can no longer matter at `now`, given that no event older than `horizon` will come.
    static func pruned(_ state: SubjectState, rule: Rule, hasTicket: Bool, now: EventTime, horizon: EventTime) -> SubjectState {
        var state = state
        if case .count(_, _, let within) = rule.trigger, let oldest = state.recent.first {
            // The window trims what is older than twice its length at the next match; and no event still accepted
            // is within `within` of a match older than `horizon - within`.
            let cutoff = max(now - within - within, horizon - within)
            if oldest.time < cutoff { state.recent.removeAll { $0.time < cutoff } }
        }
        if let lastMatch = state.lastMatch, lastMatch < horizon, !hasTicket {
            state.lastMatch = nil
        }
        return state
    }
}
