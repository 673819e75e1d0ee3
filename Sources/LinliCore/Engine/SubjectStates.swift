internal import CPrefetch
internal import OrderedCollections

/// The engine's per-subject states, by de-duplication key.
///
/// Most of them belong to the absence rules that watch every registered device (`device-offline`: one state for
/// each of 100,000 devices, touched by every event). Those live in dense tables, one per (rule, site), indexed by
/// the device's position in the site's device table, which the decoder already found: touching one is an array
/// access, with no key to build or hash, and a state takes its 40 bytes and nothing more. Every other state (windows,
/// openings, quiet periods, residents, unregistered devices) is in an ordered dictionary by key.
///
/// A key reads and writes the same state whichever way it is reached, so code that holds a key (timers, restores,
/// the store's blobs) need not know where the state lives. In a dense table, a state equal to `SubjectState()` is no
/// state.
struct SubjectStates: Sendable {
    /// A state's place in the dense tables.
    struct Slot: Sendable, Hashable {
        /// The (rule, site) table.
        var table: Int32
        /// The device's position in the site's device table.
        var device: Int32
    }

    /// One dense table: a rule, a site and that site's devices (shared with the registry, not copied).
    private struct Table: Sendable {
        let rule: String
        let site: String
        let devices: OrderedDictionary<String, Device>
    }

    /// States not in a dense table.
    private(set) var keyed: OrderedDictionary<DedupKey, SubjectState> = [:]
    private var dense: [[SubjectState]] = []
    private var tables: [Table] = []
    /// Rule index → site → table, for the rules with dense tables.
    private var tableByRule: [Int: [String: Int32]] = [:]
    /// Site → its tables (one per rule with dense tables).
    private var tablesBySite: [String: [Int32]] = [:]
    /// Rule id → site → table.
    private var tableByRuleID: [String: [String: Int32]] = [:]
    private var denseCount = 0
    /// Where ``nextToSweep()`` is in `keyed`.
    private var sweepPosition = 0
    /// States changed since ``takeChanges()``: keyed states by key, dense ones by slot (however they were marked).
    private var changedKeys: Set<DedupKey> = []
    private var changedSlots: Set<Slot> = []

    /// Creates empty states, with a dense table for each absence rule that watches devices and each site.
    init(rules: RuleSet, registry: SiteRegistry) {
        for (ruleIndex, rule) in rules.rules.enumerated() {
            guard rule.subject == .device, case .absence(let absence) = rule.trigger, absence.watch == .devices else {
                continue
            }
            for (siteID, site) in registry.sites.sorted(by: { $0.key < $1.key }) {
                let table = Int32(tables.count)
                tables.append(Table(rule: rule.id, site: siteID, devices: site.devices))
                dense.append(Array(repeating: SubjectState(), count: site.devices.count))
                tableByRule[ruleIndex, default: [:]][siteID] = table
                tableByRuleID[rule.id, default: [:]][siteID] = table
                tablesBySite[siteID, default: []].append(table)
            }
        }
    }

    /// Creates empty states with no dense tables.
    init() {}

    /// Number of subjects with a state.
    var count: Int { keyed.count + denseCount }

    /// Whether no subject has a state.
    var isEmpty: Bool { count == 0 }

    /// The dense slot of a rule's subject: the event's device, at the position the decoder found it.
    func slot(rule ruleIndex: Int, site: String, device position: Int) -> Slot? {
        table(rule: ruleIndex, site: site).map { Slot(table: $0, device: Int32(position)) }
    }

    /// The dense table of a rule at a site, if the rule keeps its states in dense tables.
    func table(rule ruleIndex: Int, site: String) -> Int32? {
        tableByRule[ruleIndex]?[site]
    }

    /// Starts fetching the dense states of the device at `position` of `site`'s device table into the cache: the
    /// absence rules touch them once the event reaches them, and a state of a table of 100,000 is rarely cached.
    func prefetch(site: String, device position: Int) {
        guard let tables = tablesBySite[site] else { return }
        for table in tables {
            dense[Int(table)].withUnsafeBufferPointer { states in
                if position < states.count, let base = states.baseAddress { linli_prefetch_for_write(base + position) }
            }
        }
    }

    /// The key of a dense slot.
    func key(of slot: Slot) -> DedupKey {
        let table = tables[Int(slot.table)]
        return DedupKey(rule: table.rule, site: table.site, subject: .device(table.devices.keys[Int(slot.device)]))
    }

    /// Whether the key's state lives in a dense table.
    func isDense(_ key: DedupKey) -> Bool { denseSlot(of: key) != nil }

    /// The dense slot of a key, when its state lives in a dense table.
    func denseSlot(of key: DedupKey) -> Slot? {
        guard !tableByRuleID.isEmpty, case .device(let id) = key.subject, let table = tableByRuleID[key.rule]?[key.site],
            let position = tables[Int(table)].devices.index(forKey: id)
        else { return nil }
        return Slot(table: table, device: Int32(position))
    }

    /// The state of a dense slot (read and written in place).
    subscript(slot: Slot) -> SubjectState {
        get { dense[Int(slot.table)][Int(slot.device)] }
        _modify {
            let table = Int(slot.table)
            let device = Int(slot.device)
            let wasEmpty = dense[table][device] == SubjectState()
            yield &dense[table][device]
            denseCount += (dense[table][device] == SubjectState() ? 0 : 1) - (wasEmpty ? 0 : 1)
        }
    }

    /// The state of a key; setting `nil` removes it (in O(1): the last keyed state takes its place, as the order
    /// of states means nothing).
    subscript(key: DedupKey) -> SubjectState? {
        get {
            if let slot = denseSlot(of: key) {
                let state = self[slot]
                return state == SubjectState() ? nil : state
            }
            return keyed[key]
        }
        set {
            if let slot = denseSlot(of: key) {
                self[slot] = newValue ?? SubjectState()
            } else if let newValue {
                keyed[key] = newValue
            } else if let index = keyed.index(forKey: key) {
                keyed.swapAt(index, keyed.count - 1)
                keyed.removeLast()
            }
        }
    }

    /// The state of a key, or `fallback` when it has none, read and written in place.
    subscript(key: DedupKey, default fallback: @autoclosure () -> SubjectState) -> SubjectState {
        get { self[key] ?? fallback() }
        _modify {
            if let slot = denseSlot(of: key) {
                yield &self[slot]
            } else {
                yield &keyed[key, default: fallback()]
            }
        }
    }

    /// Marks a subject's state as changed (or gone), to be stored with the next commit.
    mutating func markChanged(_ key: DedupKey) {
        if let slot = denseSlot(of: key) {
            changedSlots.insert(slot)
        } else {
            changedKeys.insert(key)
        }
    }

    /// Marks a dense state as changed, to be stored with the next commit.
    mutating func markChanged(_ slot: Slot) {
        changedSlots.insert(slot)
    }

    /// Whether any state changed since ``takeChanges()``.
    var hasChanges: Bool { !changedKeys.isEmpty || !changedSlots.isEmpty }

    /// The states changed since the last call, each once, by key (`nil` for one that no longer has a state).
    mutating func takeChanges() -> [(key: DedupKey, state: SubjectState?)] {
        var changes = changedKeys.map { key in (key: key, state: keyed[key]) }
        for slot in changedSlots {
            let state = self[slot]
            changes.append((key: key(of: slot), state: state == SubjectState() ? nil : state))
        }
        // Keep the tables of an everyday batch; let go of large ones (a reload may mark many subjects).
        changedKeys.removeAll(keepingCapacity: changedKeys.capacity <= 1 << 14)
        changedSlots.removeAll(keepingCapacity: changedSlots.capacity <= 1 << 14)
        return changes
    }

    /// The keyed state at the sweep's position, moving the position on (round and round); `nil` when there is none.
    /// A state removed meanwhile is replaced by the last one, which this round of the sweep may then skip: the next
    /// round sees it.
    mutating func nextToSweep() -> (key: DedupKey, state: SubjectState)? {
        guard !keyed.isEmpty else { return nil }
        if sweepPosition >= keyed.count { sweepPosition = 0 }
        defer { sweepPosition += 1 }
        return (keyed.keys[sweepPosition], keyed.values[sweepPosition])
    }

    /// Makes room for `count` keyed states.
    mutating func reserveKeyedCapacity(_ count: Int) {
        keyed.reserveCapacity(count)
    }

    /// Calls `body` with every subject that has a state: the keyed ones, then the dense ones.
    func visit(_ body: (DedupKey, SubjectState) -> Void) {
        for (key, state) in keyed { body(key, state) }
        for (table, states) in dense.enumerated() {
            for (device, state) in states.enumerated() where state != SubjectState() {
                body(key(of: Slot(table: Int32(table), device: Int32(device))), state)
            }
        }
    }
}
