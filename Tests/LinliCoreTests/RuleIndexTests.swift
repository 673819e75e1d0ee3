import LinliCore
import Testing

/// The indices and encodings that keep the per-event cost low must not change what the engine decides.
@Suite("Rule engine: site-scoped rule index, state blobs, decoder fast paths")
struct RuleIndexTests {
    typealias F = RuleFixtures

    /// `bin-full` with another id and, when `site` is given, scoped to it (trigger and auto-resolve).
    static func binFull(id: String, site: String?) throws -> Rule {
        var rule = try #require(try F.shippedRules()["bin-full"])
        rule.id = id
        guard let site else { return rule }
        func scoped(_ matcher: EventMatcher) throws -> EventMatcher {
            var scoped = matcher
            let source = matcher.condition.map { "(\($0.source)) && site == \"\(site)\"" } ?? "site == \"\(site)\""
            scoped.condition = try Condition(compiling: source, scope: RuleContext.scope)
            return scoped
        }
        if case .event(let matcher) = rule.trigger { rule.trigger = .event(try scoped(matcher)) }
        if case .event(let matcher) = rule.autoResolve { rule.autoResolve = .event(try scoped(matcher)) }
        return rule
    }

    @Test(
        "a condition names the values a field must have only for top-level && terms of == or in",
        arguments: [
            (#"data.fill_pct >= 90 && site == "a""#, ["a"]),
            (#"site in ["a", "b"] && (data.fill_pct >= 90 || has(data.room))"#, ["a", "b"]),
            (#""a" == site"#, ["a"]),
            (#"site in ["a", "b"] && site == "b""#, ["b"]),
            (#"site == "a" || data.fill_pct > 1"#, nil),
            (#"!(site == "a")"#, nil),
            (#"site != "a""#, nil),
            ("data.fill_pct >= 90", nil),
        ] as [(String, Set<String>?)]
    )
    func requiredValues(source: String, sites: Set<String>?) throws {
        let condition = try Condition(compiling: source, scope: RuleContext.scope)
        #expect(condition.requiredValues(of: "site") == sites)
    }

    @Test("rules scoped to other sites are not shown the event; the others decide in load order")
    func scopedRulesSkipOtherSites() throws {
        let rules = RuleSet(rules: [
            try Self.binFull(id: "full-elsewhere", site: "elsewhere"),
            try Self.binFull(id: "full-here", site: "zijing"),
            try Self.binFull(id: "full-anywhere", site: nil),
        ])
        var engine = RuleEngine(rules: rules, registry: F.registry)
        let opened = engine.process(F.event(.binFill, device: "ZJ-B03-K", data: EventData(fillPct: 95)))
        #expect(opened.map(\.ticket.rule) == ["full-here", "full-anywhere"])
        #expect(opened.map(\.action) == [.opened, .opened])
        let resolved = engine.process(F.event(.binFill, device: "ZJ-B03-K", at: .seconds(60), data: EventData(fillPct: 10)))
        #expect(resolved.map(\.ticket.rule) == ["full-here", "full-anywhere"])
        #expect(resolved.map(\.action) == [.resolved, .resolved])
    }

    @Test("a sign of life is persisted as {\"l\": ms} under engine.s/{rule}/{site}/{subject}, a window as matches and the last match")
    func stateBlobText() throws {
        var engine = try F.engine(rules: ["device-offline", "gate-denied-burst"])
        let time = F.t0 + .seconds(5)
        _ = engine.process(F.event(.binFill, device: "ZJ-B03-K", at: .seconds(5), data: EventData(fillPct: 30)))
        _ = engine.process(
            F.event(.gateDenied, device: "ZJ-G01", at: .seconds(5), data: EventData(credential: "card", reason: "unknown"), id: "d\"1")
        )
        let blobs = engine.takeStateChanges()
        let seen = try #require(blobs["engine.s/device-offline/zijing/device:ZJ-B03-K"])
        #expect(String(decoding: seen, as: UTF8.self) == "{\"l\":\(time.milliseconds)}")
        let window = try #require(blobs["engine.s/gate-denied-burst/zijing/device:ZJ-G01"])
        #expect(String(decoding: window, as: UTF8.self) == "{\"r\":[[\(time.milliseconds),\"d\\\"1\"]],\"m\":\(time.milliseconds)}")
        #expect(engine.takeStateChanges().isEmpty)
    }

    @Test("a source or type written with escapes decodes like the plain text; a wrong one is still a mismatch")
    func escapedAttributes() throws {
        func payload(source: String, type: String = "linli.bin.fill") -> [UInt8] {
            Array(
                (#"{"specversion":"1.0","id":"e1","source":"\#(source)","type":"\#(type)","#
                    + #""time":"2026-11-27T08:00:00Z","data":{"fill_pct":92}}"#).utf8
            )
        }
        let topic = "linli/v1/zijing/bin/ZJ-B03-K/event"
        let plain = try Event(topic: topic, payload: payload(source: "/sites/zijing/devices/ZJ-B03-K"), registry: F.registry)
        let escaped = try Event(
            topic: topic,
            payload: payload(source: #"\/sites\/zijing\/devices\/ZJ-B03-\u004B"#, type: #"linli.bin.fil\u006c"#),
            registry: F.registry
        )
        #expect(escaped == plain)
        #expect(escaped.source == "/sites/zijing/devices/ZJ-B03-K")
        #expect(throws: EventDecodingError.self) {
            try Event(topic: topic, payload: payload(source: #"\/sites\/zijing\/devices\/ZJ-B03-R"#), registry: F.registry)
        }
        #expect(throws: EventDecodingError.self) {
            try Event(topic: topic, payload: payload(source: "/sites/zijing/devices/ZJ-B03-KK"), registry: F.registry)
        }
    }
}
