import LinliCore

extension BaselineGenerator {
    /// What the per-device generators share for one site.
    struct Context {
        let site: Site
        let clock: LocalClock
        let start: EventTime
        let end: EventTime
        let seed: UInt64
        let options: BaselineOptions

        /// The device's own random stream, so devices do not disturb each other.
        func random(_ device: String, _ purpose: String) -> SplitMix64 {
            SplitMix64(seed: seed, stream: "baseline/\(site.id)/\(device)/\(purpose)")
        }

        /// Appends an event if its time is inside the run.
        func emit(_ device: String, _ type: EventType, _ data: EventData, at time: EventTime, into events: inout [Event]) {
            guard time >= start, time < end else { return }
            events.append(Event(id: "", site: site.id, device: device, type: type, time: time, data: data))
        }

        /// Heartbeats every `interval` from a random phase, with a battery draining 0.3 % a day.
        func heartbeats(
            _ device: Device,
            _ type: EventType,
            every interval: Duration,
            battery: Bool,
            into events: inout [Event]
        ) {
            var random = random(device.id, "heartbeat")
            let initial = random.number(in: 55..<100)
            var time = start + random.duration(in: .zero..<interval)
            while time < end {
                let days = Double((time - start).milliseconds) / 86_400_000
                let data = battery ? EventData(batteryPct: (initial - 0.3 * days).rounded()) : EventData()
                emit(device.id, type, data, at: time, into: &events)
                time = time + interval
            }
        }

        // MARK: Bins

        /// How fast bins fill at a local hour (meals fill them, nights hardly).
        static func fillWeight(hour: Int) -> Double {
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

        /// The last collection at or before `time`.
        func lastCollection(atOrBefore time: EventTime) -> EventTime {
            let hours = options.collectionHours.sorted()
            guard !hours.isEmpty else { return start - .seconds(86_400) }
            var day = clock.dayStart(time)
            while true {
                for hour in hours.reversed() {
                    let collection = day + .seconds(Int64(hour) * 3600)
                    if collection <= time { return collection }
                }
                day = day - .seconds(86_400)
            }
        }

        /// The first collection after `time`.
        func nextCollection(after time: EventTime) -> EventTime {
            let hours = options.collectionHours.sorted()
            guard !hours.isEmpty else { return end + .seconds(86_400) }
            var day = clock.dayStart(time)
            while true {
                for hour in hours {
                    let collection = day + .seconds(Int64(hour) * 3600)
                    if collection > time { return collection }
                }
                day = day + .seconds(86_400)
            }
        }

        /// Fill readings, contamination now and then, hourly temperatures and heartbeats of one bin.
        func bin(_ device: Device, into events: inout [Event]) {
            var random = random(device.id, "fill")
            let rate = random.number(in: 0.6..<1.2)
            let interval = options.fillInterval
            var time = lastCollection(atOrBefore: start) + random.duration(in: .zero..<interval)
            var collection = nextCollection(after: time)
            var level = random.number(in: 0..<6)
            var lastContamination = start - .seconds(86_400)
            let stream = device.stream ?? "other"
            let others = EventFieldSpec.streams.filter { $0 != stream }
            while time < end {
                if time >= collection {
                    level = random.number(in: 0..<6)
                    collection = nextCollection(after: time)
                }
                level = min(options.fillCap, level + rate * Self.fillWeight(hour: clock.hour(time)) * random.number(in: 0.5..<1.5))
                emit(device.id, .binFill, EventData(fillPct: level.rounded()), at: time, into: &events)
                if time >= start, random.chance(0.02), time - lastContamination >= .seconds(7200) {
                    lastContamination = time
                    let detected = others[random.index(below: others.count)]
                    let confidence = (random.number(in: 0.5..<0.99) * 100).rounded() / 100
                    let at = time + random.duration(in: .seconds(60) ..< .seconds(300))
                    let data = EventData(expected: stream, detected: detected, confidence: confidence)
                    emit(device.id, .binContamination, data, at: at, into: &events)
                }
                time = time + interval
            }

            var temperatures = self.random(device.id, "temperature")
            var reading = start + temperatures.duration(in: .zero ..< .seconds(3600))
            while reading < end {
                let warm = (10..<17).contains(clock.hour(reading)) ? 1.0 : 0.4
                let celsius = ((16 + 10 * warm + temperatures.number(in: -2..<2)) * 10).rounded() / 10
                emit(device.id, .binTemperature, EventData(celsius: celsius), at: reading, into: &events)
                reading = reading + .seconds(3600)
            }
            heartbeats(device, .binHeartbeat, every: options.binHeartbeat, battery: true, into: &events)
        }

        // MARK: Gates

        /// Passes per hour at one gate, by local hour.
        static func passesPerHour(hour: Int) -> Double {
            switch hour {
            case 0..<6: 2
            case 6: 15
            case 7..<9: 60
            case 9: 30
            case 10..<17: 20
            case 17..<20: 55
            case 20..<22: 25
            default: 8
            }
        }

        /// Heartbeats and passes of one gate.
        func gate(_ device: Device, residents: [String], into events: inout [Event]) {
            heartbeats(device, .gateHeartbeat, every: options.gateHeartbeat, battery: false, into: &events)
            var random = random(device.id, "passes")
            let slot = Duration.seconds(300)
            var slotStart = start
            while slotStart < end {
                let hour = clock.hour(slotStart)
                let expected = Self.passesPerHour(hour: hour) / 12
                let count = Int(expected + random.unit())
                let outShare = (6..<10).contains(hour) ? 0.8 : (17..<21).contains(hour) ? 0.2 : 0.5
                for _ in 0..<count {
                    let at = slotStart + random.duration(in: .zero..<slot)
                    let credential = random.weighted([("card", 50.0), ("face", 30), ("qr", 15), ("code", 5)])
                    let direction = random.chance(outShare) ? "out" : "in"
                    let resident = !residents.isEmpty && random.chance(0.4) ? residents[random.index(below: residents.count)] : nil
                    let data = EventData(credential: credential, direction: direction, resident: resident)
                    emit(device.id, .gatePass, data, at: at, into: &events)
                }
                slotStart = slotStart + slot
            }
        }

        // MARK: Care

        /// Heartbeats of one care device and motion in its resident's home by day (07:00 to 22:00).
        func care(_ device: Device, into events: inout [Event]) {
            heartbeats(device, .careHeartbeat, every: options.careHeartbeat, battery: true, into: &events)
            guard let resident = device.resident else { return }
            var random = random(device.id, "motion")
            let rooms = ["kitchen", "living-room", "bedroom", "bathroom"]
            var time = start + random.duration(in: .zero ..< .seconds(3600))
            while time < end {
                let room = rooms[random.index(below: rooms.count)]
                if (7..<22).contains(clock.hour(time)) {
                    emit(device.id, .careMotion, EventData(resident: resident, room: room), at: time, into: &events)
                }
                time = time + random.duration(in: .seconds(20 * 60) ..< .seconds(90 * 60))
            }
        }

        /// One check-in a local day, most before the deadline; a check-in the day's run starts too late to
        /// see (before `start`, deadline after it) is reported as the run starts.
        func checkins(resident: String, deadlineMinutes: Int, device: Device, into events: inout [Event]) {
            var random = random(resident, "checkin")
            var day = clock.dayStart(start)
            while day < end {
                let deadline = day + .seconds(Int64(deadlineMinutes) * 60)
                let earliest = day + .seconds(Int64(max(0, min(7 * 60, deadlineMinutes - 60))) * 60)
                let late = random.chance(options.lateCheckinRate)
                var at: EventTime
                if late {
                    at = deadline + random.duration(in: .seconds(600) ..< .seconds(7200))
                } else {
                    let latest = deadline - .seconds(300)
                    at = latest > earliest ? earliest + random.duration(in: .zero..<(latest - earliest)) : earliest
                }
                let method = random.weighted([("button", 60.0), ("kiosk", 15), ("app", 15), ("visit", 10)])
                if at < start, deadline >= start {
                    at = start + random.duration(in: .zero ..< .seconds(60))
                }
                emit(device.id, .careCheckin, EventData(resident: resident, method: method), at: at, into: &events)
                day = day + .seconds(86_400)
            }
        }
    }
}
