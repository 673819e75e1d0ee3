import Foundation
public import LinliCore
public import LinliDaemon

/// Valid events at the shipped Zijing site, for the live tests.
public enum TestEvents {
    /// An event at Zijing, now, with an id of its own.
    public static func event(_ type: EventType, device: String, data: EventData = EventData()) -> Event {
        Event(id: UUID().uuidString, site: "zijing", device: device, type: type, time: WallClock.now(), data: data)
    }

    /// `count` valid bin-fill events with distinct ids, times around `start`, cycling over the Zijing bins; every
    /// tenth reads 95% (a `bin-full` trigger), the rest 30%.
    public static func fill(count: Int, prefix: String, start: EventTime = WallClock.now()) -> [Event] {
        let bins = ["ZJ-B01-K", "ZJ-B01-R", "ZJ-B03-K", "ZJ-B03-R", "ZJ-B05-K", "ZJ-B06-O", "ZJ-B08-H"]
        return (0..<count).map { index in
            Event(
                id: "\(prefix)-\(index)",
                site: "zijing",
                device: bins[index % bins.count],
                type: .binFill,
                time: EventTime(milliseconds: start.milliseconds + Int64(index)),
                data: EventData(fillPct: index % 10 == 9 ? 95 : 30)
            )
        }
    }

    /// The messages of `events` as the contract's CloudEvents.
    public static func messages(_ events: [Event]) -> [(topic: String, payload: [UInt8])] {
        events.map { ($0.topic, $0.payload()) }
    }
}
