import LinliCore

/// Everyday traffic of a ``BenchFleet`` in event-time order, with the incidents that raise tickets, one event
/// at a time (so a day of 100,000 devices never sits in memory).
///
/// Rates follow the simulator's baseline (`BaselineOptions` defaults): a bin sends 7 events an hour (4 fill
/// readings, 2 heartbeats, 1 temperature), a gate 35 (about 23 passes, 40 % naming a resident, and 12
/// heartbeats), a care device 2 (a heartbeat, and motion by day); residents with a check-in time check in
/// once a day, 5 % of days late. Bins fill with meals and are emptied at 06:00 and 18:00; the fastest ones
/// pass 90 % before collection (`bin-full`, resolved by the collection's low reading). With `incidents`,
/// rare events raise the other catalogue rules: 2 % of fill slots are contamination readings, and per event
/// gates are forced (2 × 10⁻⁵), held open (5 × 10⁻⁵) or deny a card (3 × 10⁻³), care devices send SOS or a fall
/// (10⁻⁵ each), bins overheat (5 × 10⁻⁵), and 1 % of devices run on a low battery.
struct TrafficGenerator: Sendable {
    let fleet: BenchFleet
    let idPrefix: String
    private var heap: TimeHeap
    private var cycle: [UInt32]
    private var level: [Float]
    private var rate: [Float]
    private var battery: [Float]
    private var lastReading: [Int64]
    private var doorOpen: [Bool]
    private var checkedIn: [Int32]
    private var decided: [Int32]
    private var late: [Bool]
    private var random: BenchRandom
    private var counter = 0
    private let incidents: Bool
    /// Local time offset of both sites (Asia/Shanghai, no daylight saving).
    private static let offset: Int64 = 8 * 3_600_000

    /// Creates a generator whose first events are at `start`.
    init(fleet: BenchFleet, start: EventTime, seed: UInt64, incidents: Bool = true, idPrefix: String = "e") {
        self.fleet = fleet
        self.idPrefix = idPrefix
        self.incidents = incidents
        var random = BenchRandom(seed: seed)
        let count = fleet.members.count
        heap = TimeHeap(capacity: count)
        cycle = Array(repeating: 0, count: count)
        level = Array(repeating: 0, count: count)
        rate = Array(repeating: 0, count: count)
        battery = Array(repeating: 0, count: count)
        lastReading = Array(repeating: start.milliseconds, count: count)
        doorOpen = Array(repeating: false, count: count)
        checkedIn = Array(repeating: -1, count: count)
        decided = Array(repeating: -1, count: count)
        late = Array(repeating: false, count: count)
        for (index, member) in fleet.members.enumerated() {
            let interval = Self.interval(member.kind)
            heap.push(start.milliseconds + Int64(random.unit() * Double(interval)), Int32(index))
            cycle[index] = UInt32(random.index(below: 7))
            level[index] = Float(random.number(in: 0..<40))
            rate[index] = Float(random.number(in: 0.5..<1.2))
            battery[index] = Float(random.chance(incidents ? 0.01 : 0) ? random.number(in: 5..<14) : random.number(in: 20..<100))
        }
        self.random = random
    }

    /// Mean gap between two events of one device, in milliseconds.
    static func interval(_ kind: DeviceKind) -> Int64 {
        switch kind {
        case .bin: 514_286
        case .gate: 102_857
        case .care: 1_800_000
        }
    }

    /// The next event, in time order.
    mutating func next() -> Event {
        let (time, index32) = heap.pop()
        let index = Int(index32)
        let member = fleet.members[index]
        let interval = Self.interval(member.kind)
        heap.push(time + interval * Int64(80 + random.index(below: 41)) / 100, index32)
        counter += 1
        let id = idPrefix + String(counter)
        let (type, data) = reading(index, member, at: time)
        cycle[index] &+= 1
        return Event(id: id, site: member.site, device: member.id, type: type, time: EventTime(milliseconds: time), data: data)
    }

    private mutating func reading(_ index: Int, _ member: BenchFleet.Member, at time: Int64) -> (EventType, EventData) {
        switch member.kind {
        case .bin: binReading(index, member, at: time)
        case .gate: gateReading(index, member, at: time)
        case .care: careReading(index, member, at: time)
        }
    }

    private mutating func binReading(_ index: Int, _ member: BenchFleet.Member, at time: Int64) -> (EventType, EventData) {
        switch cycle[index] % 7 {
        case 1, 5:
            return (.binHeartbeat, EventData(batteryPct: Double(battery[index].rounded())))
        case 3:
            let hot = incidents && random.chance(5e-5)
            let celsius = hot ? random.number(in: 60..<70) : random.number(in: 14..<28)
            return (.binTemperature, EventData(celsius: (celsius * 10).rounded() / 10))
        default:
            let stream = member.stream ?? "other"
            if incidents && random.chance(0.02) {
                let others = BenchFleet.streams.filter { $0 != stream }
                let confidence = (random.number(in: 0.5..<0.99) * 100).rounded() / 100
                return (
                    .binContamination,
                    EventData(expected: stream, detected: others[random.index(below: others.count)], confidence: confidence)
                )
            }
            let local = time + Self.offset
            let previous = lastReading[index] + Self.offset
            lastReading[index] = time
            if Self.collection(local) != Self.collection(previous) {
                level[index] = Float(random.number(in: 0..<6))
            }
            let hour = Int((local % 86_400_000) / 3_600_000)
            level[index] = min(100, level[index] + rate[index] * Float(Self.fillWeight(hour) * random.number(in: 0.5..<1.5)))
            return (.binFill, EventData(fillPct: Double(level[index].rounded())))
        }
    }

    /// The number of the last collection (06:00 and 18:00 local) at or before a local time.
    private static func collection(_ local: Int64) -> Int64 {
        (local - 6 * 3_600_000) / (12 * 3_600_000)
    }

    /// How fast bins fill at a local hour (the simulator's baseline weights).
    private static func fillWeight(_ hour: Int) -> Double {
        switch hour {
        case 0..<6: 0.1
        case 6..<9: 2.2
        case 9..<11: 1.0
        case 11..<14: 2.0
        case 14..<17: 0.8
        case 17..<21: 2.4
        default: 0.6
        }
    }

    private mutating func gateReading(_ index: Int, _ member: BenchFleet.Member, at time: Int64) -> (EventType, EventData) {
        if doorOpen[index] {
            doorOpen[index] = false
            return (.gateDoor, EventData(state: "closed"))
        }
        if incidents {
            let draw = random.unit()
            if draw < 2e-5 { return (.gateForced, EventData()) }
            if draw < 7e-5 { return (.gateDoor, EventData(state: "open")) }
            if draw < 1.07e-3 {
                doorOpen[index] = true
                return (.gateDoor, EventData(state: "open"))
            }
            if draw < 4.07e-3 {
                let reason = ["unknown", "expired", "revoked", "mismatch"][random.index(below: 4)]
                return (.gateDenied, EventData(credential: "card", reason: reason))
            }
        }
        if cycle[index] % 3 == 2 { return (.gateHeartbeat, EventData()) }
        let credential = ["card", "card", "face", "qr"][random.index(below: 4)]
        let direction = random.chance(0.5) ? "in" : "out"
        let residents = fleet.residents[member.siteIndex]
        let resident = !residents.isEmpty && random.chance(0.4) ? residents[random.index(below: residents.count)] : nil
        return (.gatePass, EventData(credential: credential, direction: direction, resident: resident))
    }

    private mutating func careReading(_ index: Int, _ member: BenchFleet.Member, at time: Int64) -> (EventType, EventData) {
        guard let resident = member.resident else {
            return (.careHeartbeat, EventData(batteryPct: Double(battery[index].rounded())))
        }
        if incidents {
            let draw = random.unit()
            if draw < 1e-5 { return (.careSOS, EventData(resident: resident)) }
            if draw < 2e-5 { return (.careFall, EventData(confidence: 0.9, resident: resident)) }
        }
        let local = time + Self.offset
        let day = Int32(local / 86_400_000)
        let minute = Int((local % 86_400_000) / 60_000)
        if let deadline = fleet.checkins[member.siteIndex][resident], checkedIn[index] < day, minute >= 420 {
            if decided[index] != day {
                decided[index] = day
                late[index] = random.chance(0.05)
            }
            let now = late[index] ? minute >= deadline + 10 : minute >= deadline - 40 || random.chance(0.5)
            if now {
                checkedIn[index] = day
                return (.careCheckin, EventData(resident: resident, method: "button"))
            }
        }
        if cycle[index] % 2 == 1, (420..<1320).contains(minute) {
            let room = ["kitchen", "living-room", "bedroom", "bathroom"][random.index(below: 4)]
            return (.careMotion, EventData(resident: resident, room: room))
        }
        return (.careHeartbeat, EventData(batteryPct: Double(battery[index].rounded())))
    }
}

/// A binary min-heap of (time, device index).
struct TimeHeap: Sendable {
    private var times: [Int64] = []
    private var items: [Int32] = []

    init(capacity: Int) {
        times.reserveCapacity(capacity)
        items.reserveCapacity(capacity)
    }

    mutating func push(_ time: Int64, _ item: Int32) {
        times.append(time)
        items.append(item)
        var child = times.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard times[child] < times[parent] else { break }
            times.swapAt(child, parent)
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (Int64, Int32) {
        let top = (times[0], items[0])
        let lastTime = times.removeLast()
        let lastItem = items.removeLast()
        guard !times.isEmpty else { return top }
        times[0] = lastTime
        items[0] = lastItem
        var parent = 0
        let count = times.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            var smallest = left
            if left + 1 < count, times[left + 1] < times[left] { smallest = left + 1 }
            guard times[smallest] < times[parent] else { break }
            times.swapAt(smallest, parent)
            items.swapAt(smallest, parent)
            parent = smallest
        }
        return top
    }
}
