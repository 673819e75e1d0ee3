internal import OrderedCollections
import Testing

@testable import LinliCore

/// The engine's per-subject states: dense tables for the absence rules that watch devices, keyed states for the
/// rest, one state per key whichever way it is reached.
@Suite("Subject states")
struct SubjectStatesTests {
    typealias F = RuleFixtures

    static func states() throws -> (SubjectStates, rules: RuleSet) {
        let all = try F.shippedRules()
        let rules = RuleSet(rules: ["bin-full", "device-offline", "care-no-activity"].compactMap { all[$0] })
        return (SubjectStates(rules: rules, registry: F.registry), rules)
    }

    static func seen(_ milliseconds: Int64) -> SubjectState {
        var state = SubjectState()
        state.lastSeen = EventTime(milliseconds: milliseconds)
        return state
    }

    @Test("a registered device of an absence rule that watches devices has a dense slot, read and written by key too")
    func denseSlotAndKeyAgree() throws {
        var (states, rules) = try Self.states()
        let ruleIndex = try #require(rules.indexByID["device-offline"])
        let position = try #require(F.registry.sites["zijing"]?.devices.index(forKey: "ZJ-G01"))
        let slot = try #require(states.slot(rule: ruleIndex, site: "zijing", device: position))
        let key = DedupKey(rule: "device-offline", site: "zijing", subject: .device("ZJ-G01"))
        #expect(states.key(of: slot) == key)
        #expect(states.isDense(key))

        states[slot].lastSeen = EventTime(milliseconds: 5)
        #expect(states[key] == Self.seen(5))
        #expect(states.count == 1)
        #expect(states.keyed.isEmpty)

        states[key] = Self.seen(9)
        #expect(states[slot] == Self.seen(9))
        states[key] = nil
        #expect(states[key] == nil)
        #expect(states.isEmpty)
    }

    @Test("window rules, resident rules and unregistered devices keep keyed states")
    func otherKeysAreKeyed() throws {
        var (states, rules) = try Self.states()
        let keys = [
            DedupKey(rule: "bin-full", site: "zijing", subject: .device("ZJ-B03-K")),
            DedupKey(rule: "care-no-activity", site: "zijing", subject: .resident("R-0012")),
            DedupKey(rule: "device-offline", site: "zijing", subject: .device("ZJ-UNLISTED")),
        ]
        for (number, key) in keys.enumerated() {
            #expect(!states.isDense(key))
            states[key, default: SubjectState()].lastSeen = EventTime(milliseconds: Int64(number))
        }
        #expect(states.keyed.count == 3)
        #expect(states.count == 3)
        #expect(states.slot(rule: try #require(rules.indexByID["bin-full"]), site: "zijing", device: 0) == nil)
        var visited: [DedupKey] = []
        states.visit { key, _ in visited.append(key) }
        #expect(visited == keys)
    }

    @Test("changed states are taken once, by key, with nil for a state that is gone, however they were marked")
    func changesAreTakenOnce() throws {
        var (states, rules) = try Self.states()
        let ruleIndex = try #require(rules.indexByID["device-offline"])
        let bin = try #require(states.slot(rule: ruleIndex, site: "zijing", device: 0))
        let gate = try #require(states.slot(rule: ruleIndex, site: "zijing", device: 1))
        states[bin].lastSeen = EventTime(milliseconds: 7)
        states.markChanged(bin)
        states.markChanged(gate)
        states.markChanged(states.key(of: bin))
        #expect(states.hasChanges)
        let taken = states.takeChanges().sorted { $0.key.description < $1.key.description }
        #expect(taken.map(\.key.subject) == [.device("ZJ-B03-K"), .device("ZJ-G01")])
        #expect(taken.map(\.state) == [Self.seen(7), nil])
        #expect(!states.hasChanges)
        #expect(states.takeChanges().isEmpty)
    }
}
