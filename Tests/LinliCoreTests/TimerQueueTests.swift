import Testing

@testable import LinliCore

/// The engine's timer queue: keyed timers and dense-slot absence timers fire in one order.
@Suite("Timer queue")
struct TimerQueueTests {
    static func key(_ device: String) -> DedupKey {
        DedupKey(rule: "bin-full", site: "zijing", subject: .device(device))
    }

    static func at(_ seconds: Int64) -> EventTime { EventTime(seconds: seconds) }

    @Test("keyed and slot timers fire by due time, then in the order they were set, and only once due")
    func firingOrder() {
        var queue = TimerQueue()
        let slot = SubjectStates.Slot(table: 0, device: 7)
        queue.schedule(.escalate(Self.key("A")), at: Self.at(30))
        queue.schedule(.deviceAbsence(slot), at: Self.at(10))
        queue.schedule(.quiet(Self.key("B")), at: Self.at(10))
        queue.schedule(.deviceAbsence(SubjectStates.Slot(table: 1, device: 2)), at: Self.at(20))
        #expect(queue.count == 4)
        #expect(queue.nextDue == Self.at(10))
        #expect(queue.popDue(at: Self.at(9)) == nil)

        var fired: [TimerQueue.Purpose] = []
        while let entry = queue.popDue(at: Self.at(25)) { fired.append(entry.purpose) }
        #expect(fired == [.deviceAbsence(slot), .quiet(Self.key("B")), .deviceAbsence(SubjectStates.Slot(table: 1, device: 2))])
        #expect(queue.nextDue == Self.at(30))
        #expect(queue.popDue(at: Self.at(30))?.purpose == .escalate(Self.key("A")))
        #expect(queue.count == 0)
        #expect(queue.nextDue == nil)
    }

    @Test("many timers set out of order come out sorted by due time")
    func heapOrder() {
        var queue = TimerQueue()
        var dues: [Int64] = []
        for index in 0..<500 {
            let due = Int64(index * 37 % 100)
            dues.append(due)
            let purpose: TimerQueue.Purpose =
                index.isMultiple(of: 2)
                ? .deviceAbsence(SubjectStates.Slot(table: 0, device: Int32(index))) : .opening(Self.key("D\(index)"))
            queue.schedule(purpose, at: Self.at(due))
        }
        var popped: [Int64] = []
        while let entry = queue.popDue(at: Self.at(100)) { popped.append(entry.due.milliseconds / 1000) }
        #expect(popped == dues.sorted())
    }
}
