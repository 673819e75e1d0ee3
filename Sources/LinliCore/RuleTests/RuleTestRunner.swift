/// Runs rule tests through the real engine and processor, with time as an input.
public enum RuleTestRunner {
    /// Runs one test.
    /// - Parameters:
    ///   - test: the test.
    ///   - rules: the loaded rules (the test may select some of them).
    ///   - registry: the site registry events are checked against.
    public static func run(_ test: RuleTest, rules: RuleSet, registry: SiteRegistry) -> RuleTestResult {
        var failures: [String] = []
        let missing = test.rules.filter { rules[$0] == nil }
        if !missing.isEmpty { failures.append("\(test.origin): unknown rule(s) \(missing.joined(separator: ", "))") }
        let selected = test.rules.isEmpty ? rules : RuleSet(rules: test.rules.compactMap { rules[$0] })
        var run = Run(
            processor: EventProcessor(
                engine: RuleEngine(rules: selected, registry: registry),
                lateness: .seconds(86_400),
                futureTolerance: nil
            )
        )
        run.advance(to: test.start)
        for step in test.steps {
            failures += run.perform(step, at: test.start + step.at)
        }
        return RuleTestResult(name: test.name, origin: test.origin, failures: failures)
    }

    /// The state of one test run: the processor and every ticket as it now stands.
    private struct Run {
        var processor: EventProcessor
        var tickets: [String: Ticket] = [:]

        mutating func advance(to time: EventTime) {
            var output = ProcessorOutput()
            processor.advance(to: time, into: &output)
            record(output.updates)
        }

        mutating func perform(_ step: RuleTest.Step, at time: EventTime) -> [String] {
            advance(to: time)
            switch step.action {
            case .event(let topic, let payload):
                var output = ProcessorOutput()
                processor.ingest(topic: topic, payload: payload, receivedAt: time, into: &output)
                record(output.updates)
                return output.deadLetters.map { "\(step.origin): the event was rejected: \($0.detail)" }
            case .acknowledge(let rule, let subject):
                return change(rule, subject, step: step) { ticket in
                    ticket.status = .acknowledged
                    ticket.acknowledgedAt = time
                }
            case .resolve(let rule, let subject):
                return change(rule, subject, step: step) { ticket in
                    ticket.status = .resolved
                    ticket.resolvedAt = time
                    ticket.resolution = "manual"
                }
            case .expect(let expectations, let absent):
                return expectations.flatMap { check($0, step: step) }
                    + absent.compactMap { rule, subject in
                        let found = tickets.values.contains { $0.rule == rule && (subject == nil || $0.subject == subject) }
                        return found ? "\(step.origin): expected no \(rule) ticket\(subject.map { " for \($0)" } ?? ""), found one" : nil
                    }
            }
        }

        /// Applies the engine's decisions the way the store does: a person's acknowledgement stays.
        private mutating func record(_ updates: [TicketUpdate]) {
            for update in updates {
                var ticket = update.ticket
                if let stored = tickets[ticket.id], stored.status == .acknowledged, ticket.status == .open {
                    ticket.status = .acknowledged
                    ticket.acknowledgedAt = stored.acknowledgedAt
                }
                tickets[ticket.id] = ticket
            }
        }

        private mutating func change(
            _ rule: String,
            _ subject: Subject,
            step: RuleTest.Step,
            _ body: (inout Ticket) -> Void
        ) -> [String] {
            guard var ticket = processor.engine.unresolved.values.first(where: { $0.rule == rule && $0.subject == subject })
            else { return ["\(step.origin): no unresolved \(rule) ticket for \(subject) to act on"] }
            if let stored = tickets[ticket.id] { ticket = stored }
            body(&ticket)
            tickets[ticket.id] = ticket
            processor.engine.apply(external: ticket)
            return []
        }

        private func check(_ expectation: RuleTest.TicketExpectation, step: RuleTest.Step) -> [String] {
            let matching = tickets.values.filter { $0.rule == expectation.rule && $0.subject == expectation.subject }
                .sorted { $0.id < $1.id }
            let what = "\(expectation.rule) for \(expectation.subject)"
            if let count = expectation.count, matching.count != count {
                return ["\(step.origin): expected \(count) \(what) ticket(s), found \(matching.count)"]
            }
            guard let latest = matching.last else { return ["\(step.origin): expected a \(what) ticket, found none"] }
            let json = latest.jsonObject()
            return expectation.fields.compactMap { field in
                let actual = json[field.name].map(Self.text) ?? "null"
                return actual == field.value
                    ? nil : "\(step.origin): \(what) \(latest.id): \(field.name) is \(actual), expected \(field.value)"
            }
        }

        private static func text(_ value: JSONValue) -> String {
            switch value {
            case .string(let text): text
            case .number(let number): number == number.rounded() ? String(Int64(number)) : String(number)
            case .bool(let flag): flag ? "true" : "false"
            case .null: "null"
            default: value.jsonText
            }
        }
    }
}

/// The outcome of one rule test.
public struct RuleTestResult: Sendable, Hashable {
    /// The test's name.
    public var name: String
    /// Where it is defined.
    public var origin: String
    /// What did not hold, each naming the step.
    public var failures: [String]

    /// Whether every expectation held.
    public var passed: Bool { failures.isEmpty }
}
