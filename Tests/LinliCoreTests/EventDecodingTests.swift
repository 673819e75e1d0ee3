import LinliCore
import Testing

/// Builds event payloads as JSON text, starting from a valid bin fill event and changing attributes.
private enum Payload {
    /// The attributes of a valid event of `device` at `site`, in a typical order.
    static func attributes(
        site: String = "zijing",
        device: String = "ZJ-B03-K",
        type: String = "linli.bin.fill",
        data: String = #"{"fill_pct":92}"#
    ) -> [(String, String)] {
        [
            ("specversion", #""1.0""#), ("id", #""evt-1""#), ("source", "\"/sites/\(site)/devices/\(device)\""),
            ("type", "\"\(type)\""), ("time", #""2026-11-27T08:00:00+08:00""#),
            ("datacontenttype", #""application/json""#), ("data", data),
        ]
    }

    /// A payload: the valid attributes with `changes` applied (a `nil` value removes the attribute) and
    /// `extra` members appended.
    static func text(
        site: String = "zijing",
        device: String = "ZJ-B03-K",
        type: String = "linli.bin.fill",
        data: String = #"{"fill_pct":92}"#,
        changes: [String: String?] = [:],
        extra: [String] = []
    ) -> String {
        var members: [String] = []
        for (key, value) in attributes(site: site, device: device, type: type, data: data) {
            if let change = changes[key] {
                if let change { members.append("\"\(key)\":\(change)") }
            } else {
                members.append("\"\(key)\":\(value)")
            }
        }
        return "{" + (members + extra).joined(separator: ",") + "}"
    }

    static func bytes(
        site: String = "zijing",
        device: String = "ZJ-B03-K",
        type: String = "linli.bin.fill",
        data: String = #"{"fill_pct":92}"#,
        changes: [String: String?] = [:],
        extra: [String] = []
    ) -> [UInt8] {
        Array(text(site: site, device: device, type: type, data: data, changes: changes, extra: extra).utf8)
    }
}

@Suite struct EventDecodingTests {
    static let registry = SiteRegistry(sites: [
        Site(
            id: "zijing",
            name: "Zijing Garden",
            timeZone: "Asia/Shanghai",
            devices: [
                Device(id: "ZJ-B03-K", kind: .bin, location: "Building 3, kitchen-waste station", stream: "kitchen"),
                Device(id: "ZJ-G01", kind: .gate, location: "North gate"),
                Device(id: "ZJ-C07", kind: .care, location: "Building 7, 2-301", resident: "R-0012"),
            ],
            residents: [Resident(id: "R-0012", livingAlone: true, checkinBy: 600)]
        ),
        Site(id: "open-lab", name: "Open lab", timeZone: "UTC", acceptUnregistered: true),
    ])

    static let binTopic = "linli/v1/zijing/bin/ZJ-B03-K/event"
    static let gateTopic = "linli/v1/zijing/gate/ZJ-G01/event"
    static let careTopic = "linli/v1/zijing/care/ZJ-C07/event"
    /// 2026-11-27T08:00:00+08:00.
    static let time = EventTime(milliseconds: 1_795_737_600_000)

    static func decode(_ topic: String, _ bytes: [UInt8]) throws(EventDecodingError) -> Event {
        try Event(topic: topic, payload: bytes, registry: registry)
    }

    // MARK: Valid events

    struct Valid: Sendable, CustomTestStringConvertible {
        var type: EventType
        var data: String
        var expected: EventData
        var testDescription: String { "\(type.rawValue) \(data)" }

        var device: String {
            switch type.kind {
            case .bin: "ZJ-B03-K"
            case .gate: "ZJ-G01"
            case .care: "ZJ-C07"
            }
        }
    }

    static let valid: [Valid] = [
        Valid(type: .binFill, data: #"{"fill_pct":92}"#, expected: EventData(fillPct: 92)),
        Valid(type: .binFill, data: #"{"fill_pct":0}"#, expected: EventData(fillPct: 0)),
        Valid(type: .binFill, data: #"{"fill_pct":100.0,"firmware":"1.2","x":{"y":[1]}}"#, expected: EventData(fillPct: 100)),
        Valid(
            type: .binContamination,
            data: #"{"expected":"kitchen","detected":"hazardous","confidence":0.87}"#,
            expected: EventData(expected: "kitchen", detected: "hazardous", confidence: 0.87)
        ),
        Valid(
            type: .binContamination,
            data: #"{"confidence":1,"detected":"other","expected":"recyclable"}"#,
            expected: EventData(expected: "recyclable", detected: "other", confidence: 1)
        ),
        Valid(type: .binTemperature, data: #"{"celsius":-40}"#, expected: EventData(celsius: -40)),
        Valid(type: .binTemperature, data: #"{"celsius":1.5e2}"#, expected: EventData(celsius: 150)),
        Valid(type: .binHeartbeat, data: #"{"battery_pct":55.5}"#, expected: EventData(batteryPct: 55.5)),
        Valid(
            type: .gatePass,
            data: #"{"credential":"face","direction":"in","resident":"R-0012"}"#,
            expected: EventData(credential: "face", direction: "in", resident: "R-0012")
        ),
        Valid(
            type: .gatePass,
            data: #"{"credential":"qr","direction":"out"}"#,
            expected: EventData(credential: "qr", direction: "out")
        ),
        Valid(
            type: .gatePass,
            data: #"{"credential":"code","direction":"out","resident":null}"#,
            expected: EventData(credential: "code", direction: "out")
        ),
        Valid(
            type: .gateDenied,
            data: #"{"credential":"card","reason":"expired"}"#,
            expected: EventData(credential: "card", reason: "expired")
        ),
        Valid(
            type: .gateDenied,
            data: #"{"credential":"face","reason":"mismatch"}"#,
            expected: EventData(credential: "face", reason: "mismatch")
        ),
        Valid(type: .gateDoor, data: #"{"state":"open"}"#, expected: EventData(state: "open")),
        Valid(type: .gateDoor, data: #"{"state":"closed"}"#, expected: EventData(state: "closed")),
        Valid(type: .gateForced, data: "{}", expected: EventData()),
        Valid(type: .gateHeartbeat, data: #"{"battery_pct":12}"#, expected: EventData()),
        Valid(
            type: .careCheckin,
            data: #"{"resident":"R-0012","method":"kiosk"}"#,
            expected: EventData(resident: "R-0012", method: "kiosk")
        ),
        Valid(type: .careSOS, data: #"{"resident":"R-0012"}"#, expected: EventData(resident: "R-0012")),
        Valid(
            type: .careFall,
            data: #"{"resident":"R-0012","confidence":0.93}"#,
            expected: EventData(confidence: 0.93, resident: "R-0012")
        ),
        Valid(
            type: .careMotion,
            data: #"{"resident":"R-0012","room":"kitchen"}"#,
            expected: EventData(resident: "R-0012", room: "kitchen")
        ),
        Valid(type: .careMotion, data: #"{"resident":"R-0012"}"#, expected: EventData(resident: "R-0012")),
        Valid(type: .careHeartbeat, data: #"{"battery_pct":3}"#, expected: EventData(batteryPct: 3)),
    ]

    @Test("the valid table covers every event type")
    func coversEveryType() {
        #expect(Set(Self.valid.map(\.type)) == Set(EventType.allCases))
    }

    @Test("decodes a valid event of every type", arguments: valid)
    func decodesValid(_ example: Valid) throws {
        let topic = "linli/v1/zijing/\(example.type.kind.rawValue)/\(example.device)/event"
        let bytes = Payload.bytes(device: example.device, type: example.type.rawValue, data: example.data)
        let event = try Self.decode(topic, bytes)
        #expect(event.id == "evt-1")
        #expect(event.site == "zijing")
        #expect(event.device == example.device)
        #expect(event.kind == example.type.kind)
        #expect(event.type == example.type)
        #expect(event.source == "/sites/zijing/devices/\(example.device)")
        #expect(event.time == Self.time)
        #expect(event.data == example.expected)
        #expect(event.topic == topic)
    }

    @Test("encoding then decoding gives back an equal event, for every type and offset", arguments: valid)
    func roundTrips(_ example: Valid) throws {
        let topic = "linli/v1/zijing/\(example.type.kind.rawValue)/\(example.device)/event"
        var event = try Self.decode(topic, Payload.bytes(device: example.device, type: example.type.rawValue, data: example.data))
        event.time = EventTime(milliseconds: 1_795_737_600_123)
        #expect(try Self.decode(event.topic, event.payload()) == event)
        #expect(try Self.decode(event.topic, event.payload(offsetSeconds: 8 * 3600)) == event)
        #expect(try Self.decode(event.topic, event.payload(offsetSeconds: -(3 * 3600 + 1800))) == event)
    }

    @Test("the example of events.md decodes")
    func decodesContractExample() throws {
        let text = """
            {"specversion":"1.0","id":"4d1f6a52-0c55-4a8e-9a43-5b8e2b7f0c11","source":"/sites/zijing/devices/ZJ-B03-K",
             "type":"linli.bin.fill","time":"2026-11-27T08:00:00+08:00","datacontenttype":"application/json",
             "data":{"fill_pct":92}}
            """
        let event = try Self.decode("linli/v1/zijing/bin/ZJ-B03-K/event", Array(text.utf8))
        let expected = Event(
            id: "4d1f6a52-0c55-4a8e-9a43-5b8e2b7f0c11",
            site: "zijing",
            device: "ZJ-B03-K",
            type: .binFill,
            time: EventTime(milliseconds: 1_795_737_600_000),
            data: EventData(fillPct: 92)
        )
        #expect(event == expected)
        #expect(event.time.description == "2026-11-27T00:00:00Z")
    }

    @Test("encodes the contract CloudEvent exactly")
    func encodesExactly() {
        let event = Event(
            id: "4d1f6a52",
            site: "zijing",
            device: "ZJ-B03-K",
            type: .binFill,
            time: EventTime(milliseconds: 1_795_737_600_000),
            data: EventData(fillPct: 92, resident: "ignored")
        )
        let expected =
            #"{"specversion":"1.0","id":"4d1f6a52","source":"/sites/zijing/devices/ZJ-B03-K","type":"linli.bin.fill","#
            + #""time":"2026-11-27T00:00:00Z","datacontenttype":"application/json","data":{"fill_pct":92}}"#
        #expect(String(decoding: event.payload(), as: UTF8.self) == expected)
        let local = String(decoding: event.payload(offsetSeconds: 8 * 3600), as: UTF8.self)
        #expect(local.contains(#""time":"2026-11-27T08:00:00+08:00""#))
    }

    @Test("accepts any contiguous byte collection and raw buffers")
    func acceptsByteCollections() throws {
        let bytes = Payload.bytes()
        let fromArray = try Self.decode(Self.binTopic, bytes)
        let padded = [0x20] + bytes + [0x20]
        #expect(try Event(topic: Self.binTopic, payload: padded[1...], registry: Self.registry) == fromArray)
        let fromBuffer = try bytes.withUnsafeBytes { raw in
            try Event(topic: Self.binTopic, payload: raw, registry: Self.registry)
        }
        #expect(fromBuffer == fromArray)
        #expect(try Event(topic: Self.binTopic, payload: bytes.lazy.map { $0 }, registry: Self.registry) == fromArray)
    }

    @Test("ignores subject and extension attributes of any type, and attribute order")
    func ignoresExtensions() throws {
        let members =
            Payload.attributes().reversed().map { "\"\($0.0)\": \($0.1)" } + [
                #""subject": 42"#, #""traceparent": "00-abc""#, #""x-vendor": {"a": [1, 2, {"b": null}]}"#,
            ]
        let text = "\n{ " + members.joined(separator: " ,\n ") + " }\n"
        let event = try Self.decode(Self.binTopic, Array(text.utf8))
        #expect(event.data.fillPct == 92)
    }

    @Test("datacontenttype may be absent")
    func contentTypeOptional() throws {
        let event = try Self.decode(Self.binTopic, Payload.bytes(changes: ["datacontenttype": nil]))
        #expect(event.type == .binFill)
    }

    @Test("a site that accepts unregistered devices takes events from unknown devices")
    func acceptsUnregistered() throws {
        let bytes = Payload.bytes(site: "open-lab", device: "LAB_7", type: "linli.gate.door", data: #"{"state":"open"}"#)
        let event = try Self.decode("linli/v1/open-lab/gate/LAB_7/event", bytes)
        #expect(event.site == "open-lab")
        #expect(event.device == "LAB_7")
        #expect(event.data.state == "open")
    }

    @Test("a payload of exactly 16 KiB is accepted")
    func acceptsLimit() throws {
        let base = Payload.text(extra: [#""subject":"""#])
        let padding = String(repeating: "p", count: Event.payloadLimit - base.utf8.count)
        let text = Payload.text(extra: ["\"subject\":\"\(padding)\""])
        #expect(text.utf8.count == Event.payloadLimit)
        #expect(try Self.decode(Self.binTopic, Array(text.utf8)).type == .binFill)
        #expect(throws: EventDecodingError.payloadTooLarge(size: Event.payloadLimit + 1, limit: Event.payloadLimit)) {
            try Self.decode(Self.binTopic, Array(text.utf8) + [0x20])
        }
    }

    // MARK: Rejections

    struct Rejection: Sendable, CustomTestStringConvertible {
        var name: String
        var topic: String = EventDecodingTests.binTopic
        var payload: [UInt8]
        var reason: String
        /// Text the description must contain: the field and the offending value.
        var mentions: [String]
        var testDescription: String { name }
    }

    static let rejections: [Rejection] = [
        Rejection(
            name: "payload too large",
            payload: Payload.bytes(extra: ["\"subject\":\"\(String(repeating: "x", count: 16_384))\""]),
            reason: "payload_too_large",
            mentions: ["16384"]
        ),
        Rejection(
            name: "truncated JSON",
            payload: Array(#"{"specversion":"1.0","id":"#.utf8),
            reason: "invalid_json",
            mentions: ["byte 26", "end of input"]
        ),
        Rejection(name: "not an object", payload: Array("[1,2]".utf8), reason: "not_an_object", mentions: ["array"]),
        Rejection(name: "a bare string", payload: Array(#""hello""#.utf8), reason: "not_an_object", mentions: ["string"]),
        Rejection(
            name: "missing specversion",
            payload: Payload.bytes(changes: ["specversion": nil]),
            reason: "missing_attribute",
            mentions: ["`specversion`"]
        ),
        Rejection(name: "missing id", payload: Payload.bytes(changes: ["id": nil]), reason: "missing_attribute", mentions: ["`id`"]),
        Rejection(name: "missing source", payload: Payload.bytes(changes: ["source": nil]), reason: "missing_attribute", mentions: ["`source`"]),
        Rejection(name: "missing type", payload: Payload.bytes(changes: ["type": nil]), reason: "missing_attribute", mentions: ["`type`"]),
        Rejection(name: "missing time", payload: Payload.bytes(changes: ["time": nil]), reason: "missing_attribute", mentions: ["`time`"]),
        Rejection(name: "missing data", payload: Payload.bytes(changes: ["data": nil]), reason: "missing_attribute", mentions: ["`data`"]),
        Rejection(
            name: "old specversion",
            payload: Payload.bytes(changes: ["specversion": #""0.3""#]),
            reason: "invalid_attribute",
            mentions: ["`specversion`", "\"0.3\""]
        ),
        Rejection(
            name: "numeric specversion",
            payload: Payload.bytes(changes: ["specversion": "1.0"]),
            reason: "invalid_attribute",
            mentions: ["`specversion`", "string", "number"]
        ),
        Rejection(name: "empty id", payload: Payload.bytes(changes: ["id": #""""#]), reason: "invalid_attribute", mentions: ["`id`", "empty"]),
        Rejection(name: "numeric id", payload: Payload.bytes(changes: ["id": "42"]), reason: "invalid_attribute", mentions: ["`id`", "number"]),
        Rejection(
            name: "source not a string",
            payload: Payload.bytes(changes: ["source": "[]"]),
            reason: "invalid_attribute",
            mentions: ["`source`", "array"]
        ),
        Rejection(
            name: "type not a string",
            payload: Payload.bytes(changes: ["type": "true"]),
            reason: "invalid_attribute",
            mentions: ["`type`", "boolean"]
        ),
        Rejection(
            name: "time without offset",
            payload: Payload.bytes(changes: ["time": #""2026-11-27T08:00:00""#]),
            reason: "invalid_attribute",
            mentions: ["`time`", "\"2026-11-27T08:00:00\"", "RFC 3339"]
        ),
        Rejection(
            name: "time as epoch number",
            payload: Payload.bytes(changes: ["time": "1795737600"]),
            reason: "invalid_attribute",
            mentions: ["`time`", "number"]
        ),
        Rejection(
            name: "impossible date",
            payload: Payload.bytes(changes: ["time": #""2026-02-30T08:00:00Z""#]),
            reason: "invalid_attribute",
            mentions: ["`time`", "2026-02-30"]
        ),
        Rejection(
            name: "other content type",
            payload: Payload.bytes(changes: ["datacontenttype": #""text/plain""#]),
            reason: "invalid_attribute",
            mentions: ["`datacontenttype`", "\"text/plain\""]
        ),
        Rejection(
            name: "data a string",
            payload: Payload.bytes(changes: ["data": #""{}""#]),
            reason: "invalid_attribute",
            mentions: ["`data`", "object", "string"]
        ),
        Rejection(name: "data null", payload: Payload.bytes(changes: ["data": "null"]), reason: "invalid_attribute", mentions: ["`data`", "null"]),
        Rejection(
            name: "unknown type",
            payload: Payload.bytes(type: "linli.bin.explode"),
            reason: "unknown_type",
            mentions: ["`type`", "\"linli.bin.explode\""]
        ),
        Rejection(
            name: "type in other case",
            payload: Payload.bytes(type: "linli.bin.FILL"),
            reason: "unknown_type",
            mentions: ["\"linli.bin.FILL\""]
        ),
        Rejection(
            name: "topic with another prefix",
            topic: "linli/v2/zijing/bin/ZJ-B03-K/event",
            payload: Payload.bytes(),
            reason: "invalid_topic",
            mentions: ["linli/v2/zijing", "linli/v1/"]
        ),
        Rejection(
            name: "topic too short",
            topic: "linli/v1/zijing/bin/event",
            payload: Payload.bytes(),
            reason: "invalid_topic",
            mentions: ["5 levels"]
        ),
        Rejection(
            name: "topic too long",
            topic: "linli/v1/zijing/bin/ZJ-B03-K/event/x",
            payload: Payload.bytes(),
            reason: "invalid_topic",
            mentions: ["7 levels"]
        ),
        Rejection(
            name: "ticket feed topic",
            topic: "linli/v1/zijing/tickets/T-000001",
            payload: Payload.bytes(),
            reason: "invalid_topic",
            mentions: ["levels"]
        ),
        Rejection(
            name: "unknown kind",
            topic: "linli/v1/zijing/lamp/ZJ-B03-K/event",
            payload: Payload.bytes(),
            reason: "invalid_topic",
            mentions: ["kind"]
        ),
        Rejection(
            name: "upper-case site",
            topic: "linli/v1/ZiJing/bin/ZJ-B03-K/event",
            payload: Payload.bytes(),
            reason: "invalid_topic",
            mentions: ["site", "[a-z0-9-]{1,32}"]
        ),
        Rejection(
            name: "site too long",
            topic: "linli/v1/\(String(repeating: "s", count: 33))/bin/ZJ-B03-K/event",
            payload: Payload.bytes(),
            reason: "invalid_topic",
            mentions: ["site"]
        ),
        Rejection(
            name: "device with a dot",
            topic: "linli/v1/zijing/bin/ZJ.B03/event",
            payload: Payload.bytes(),
            reason: "invalid_topic",
            mentions: ["device", "[A-Za-z0-9_-]{1,64}"]
        ),
        Rejection(
            name: "device too long",
            topic: "linli/v1/zijing/bin/\(String(repeating: "D", count: 65))/event",
            payload: Payload.bytes(),
            reason: "invalid_topic",
            mentions: ["device"]
        ),
        Rejection(name: "empty device", topic: "linli/v1/zijing/bin//event", payload: Payload.bytes(), reason: "invalid_topic", mentions: ["device"]),
        Rejection(
            name: "state instead of event",
            topic: "linli/v1/zijing/bin/ZJ-B03-K/state",
            payload: Payload.bytes(),
            reason: "invalid_topic",
            mentions: ["/event"]
        ),
        Rejection(
            name: "source of another device",
            payload: Payload.bytes(changes: ["source": #""/sites/zijing/devices/ZJ-B04-R""#]),
            reason: "source_mismatch",
            mentions: ["`source`", "ZJ-B04-R", "/sites/zijing/devices/ZJ-B03-K"]
        ),
        Rejection(
            name: "source in another form",
            payload: Payload.bytes(changes: ["source": #""urn:device:ZJ-B03-K""#]),
            reason: "source_mismatch",
            mentions: ["urn:device:ZJ-B03-K"]
        ),
        Rejection(
            name: "gate type on a bin topic",
            payload: Payload.bytes(type: "linli.gate.door", data: #"{"state":"open"}"#),
            reason: "kind_mismatch",
            mentions: ["linli.gate.door", "gate", "bin"]
        ),
        Rejection(
            name: "unknown site",
            topic: "linli/v1/nowhere/bin/ZJ-B03-K/event",
            payload: Payload.bytes(site: "nowhere"),
            reason: "unknown_site",
            mentions: ["\"nowhere\""]
        ),
        Rejection(
            name: "unknown device",
            topic: "linli/v1/zijing/bin/ZJ-B99/event",
            payload: Payload.bytes(device: "ZJ-B99"),
            reason: "unknown_device",
            mentions: ["\"ZJ-B99\"", "\"zijing\""]
        ),
        Rejection(
            name: "device registered as another kind",
            topic: "linli/v1/zijing/gate/ZJ-B03-K/event",
            payload: Payload.bytes(type: "linli.gate.door", data: #"{"state":"open"}"#),
            reason: "device_kind_mismatch",
            mentions: ["\"ZJ-B03-K\"", "bin", "gate"]
        ),
        Rejection(
            name: "fill without fill_pct",
            payload: Payload.bytes(data: #"{"fill":92}"#),
            reason: "missing_data",
            mentions: ["`data.fill_pct`"]
        ),
        Rejection(
            name: "contamination without confidence",
            payload: Payload.bytes(type: "linli.bin.contamination", data: #"{"expected":"kitchen","detected":"other"}"#),
            reason: "missing_data",
            mentions: ["`data.confidence`"]
        ),
        Rejection(
            name: "sos without resident",
            topic: careTopic,
            payload: Payload.bytes(device: "ZJ-C07", type: "linli.care.sos", data: "{}"),
            reason: "missing_data",
            mentions: ["`data.resident`"]
        ),
        Rejection(
            name: "checkin without method",
            topic: careTopic,
            payload: Payload.bytes(device: "ZJ-C07", type: "linli.care.checkin", data: #"{"resident":"R-0012"}"#),
            reason: "missing_data",
            mentions: ["`data.method`"]
        ),
        Rejection(
            name: "fill_pct as a string",
            payload: Payload.bytes(data: #"{"fill_pct":"92"}"#),
            reason: "invalid_data",
            mentions: ["`data.fill_pct`", "a number", "\"92\""]
        ),
        Rejection(
            name: "fill_pct null",
            payload: Payload.bytes(data: #"{"fill_pct":null}"#),
            reason: "invalid_data",
            mentions: ["`data.fill_pct`", "null"]
        ),
        Rejection(
            name: "unknown stream",
            payload: Payload.bytes(type: "linli.bin.contamination", data: #"{"expected":"glass","detected":"other","confidence":0.5}"#),
            reason: "invalid_data",
            mentions: ["`data.expected`", "\"glass\"", "kitchen, recyclable, hazardous, other"]
        ),
        Rejection(
            name: "credential in upper case",
            topic: gateTopic,
            payload: Payload.bytes(device: "ZJ-G01", type: "linli.gate.pass", data: #"{"credential":"CARD","direction":"in"}"#),
            reason: "invalid_data",
            mentions: ["`data.credential`", "\"CARD\""]
        ),
        Rejection(
            name: "unknown direction",
            topic: gateTopic,
            payload: Payload.bytes(device: "ZJ-G01", type: "linli.gate.pass", data: #"{"credential":"card","direction":"up"}"#),
            reason: "invalid_data",
            mentions: ["`data.direction`", "\"up\""]
        ),
        Rejection(
            name: "empty optional resident",
            topic: gateTopic,
            payload: Payload.bytes(device: "ZJ-G01", type: "linli.gate.pass", data: #"{"credential":"card","direction":"in","resident":""}"#),
            reason: "invalid_data",
            mentions: ["`data.resident`", "non-empty"]
        ),
        Rejection(
            name: "unknown denial reason",
            topic: gateTopic,
            payload: Payload.bytes(device: "ZJ-G01", type: "linli.gate.denied", data: #"{"credential":"card","reason":"stolen"}"#),
            reason: "invalid_data",
            mentions: ["`data.reason`", "\"stolen\""]
        ),
        Rejection(
            name: "door ajar",
            topic: gateTopic,
            payload: Payload.bytes(device: "ZJ-G01", type: "linli.gate.door", data: #"{"state":"ajar"}"#),
            reason: "invalid_data",
            mentions: ["`data.state`", "\"ajar\""]
        ),
        Rejection(
            name: "unknown check-in method",
            topic: careTopic,
            payload: Payload.bytes(device: "ZJ-C07", type: "linli.care.checkin", data: #"{"resident":"R-0012","method":"phone"}"#),
            reason: "invalid_data",
            mentions: ["`data.method`", "\"phone\""]
        ),
        Rejection(
            name: "numeric resident",
            topic: careTopic,
            payload: Payload.bytes(device: "ZJ-C07", type: "linli.care.sos", data: #"{"resident":12}"#),
            reason: "invalid_data",
            mentions: ["`data.resident`", "12"]
        ),
        Rejection(
            name: "empty resident",
            topic: careTopic,
            payload: Payload.bytes(device: "ZJ-C07", type: "linli.care.sos", data: #"{"resident":""}"#),
            reason: "invalid_data",
            mentions: ["`data.resident`", "non-empty"]
        ),
        Rejection(
            name: "null required resident",
            topic: careTopic,
            payload: Payload.bytes(device: "ZJ-C07", type: "linli.care.fall", data: #"{"resident":null,"confidence":0.9}"#),
            reason: "invalid_data",
            mentions: ["`data.resident`", "null"]
        ),
        Rejection(
            name: "numeric room",
            topic: careTopic,
            payload: Payload.bytes(device: "ZJ-C07", type: "linli.care.motion", data: #"{"resident":"R-0012","room":5}"#),
            reason: "invalid_data",
            mentions: ["`data.room`", "5"]
        ),
        Rejection(
            name: "object for fill_pct",
            payload: Payload.bytes(data: #"{"fill_pct":{"v":1}}"#),
            reason: "invalid_data",
            mentions: ["`data.fill_pct`", "{…}"]
        ),
        Rejection(
            name: "fill over 100",
            payload: Payload.bytes(data: #"{"fill_pct":101}"#),
            reason: "out_of_range",
            mentions: ["`data.fill_pct`", "101", "0...100"]
        ),
        Rejection(
            name: "negative fill",
            payload: Payload.bytes(data: #"{"fill_pct":-0.5}"#),
            reason: "out_of_range",
            mentions: ["`data.fill_pct`", "-0.5"]
        ),
        Rejection(
            name: "confidence over 1",
            payload: Payload.bytes(type: "linli.bin.contamination", data: #"{"expected":"kitchen","detected":"other","confidence":1.5}"#),
            reason: "out_of_range",
            mentions: ["`data.confidence`", "1.5", "0...1"]
        ),
        Rejection(
            name: "too cold",
            payload: Payload.bytes(type: "linli.bin.temperature", data: #"{"celsius":-41}"#),
            reason: "out_of_range",
            mentions: ["`data.celsius`", "-41", "-40...150"]
        ),
        Rejection(
            name: "too hot",
            payload: Payload.bytes(type: "linli.bin.temperature", data: #"{"celsius":151}"#),
            reason: "out_of_range",
            mentions: ["`data.celsius`", "151"]
        ),
        Rejection(
            name: "battery over 100",
            payload: Payload.bytes(type: "linli.bin.heartbeat", data: #"{"battery_pct":100.5}"#),
            reason: "out_of_range",
            mentions: ["`data.battery_pct`", "100.5"]
        ),
        Rejection(
            name: "fall confidence negative",
            topic: careTopic,
            payload: Payload.bytes(device: "ZJ-C07", type: "linli.care.fall", data: #"{"resident":"R-0012","confidence":-0.1}"#),
            reason: "out_of_range",
            mentions: ["`data.confidence`", "-0.1"]
        ),
    ]

    @Test("rejects each rule violation with its reason and a description naming the field", arguments: rejections)
    func rejects(_ example: Rejection) {
        do {
            let event = try Self.decode(example.topic, example.payload)
            Issue.record("accepted \(event)")
        } catch {
            #expect(error.reason == example.reason, "\(error)")
            for mention in example.mentions {
                #expect(error.description.contains(mention), "\(error.description) should mention \(mention)")
            }
        }
    }

    @Test("every reason code is produced by the rejection table")
    func reasonsCovered() {
        #expect(Set(Self.rejections.map(\.reason)) == Set(EventDecodingError.allReasons))
    }

    // MARK: Hostile input

    static func withID(_ raw: [UInt8]) -> [UInt8] {
        Array(#"{"specversion":"1.0","id":""#.utf8) + raw
            + Array(
                #"","source":"/sites/zijing/devices/ZJ-B03-K","type":"linli.bin.fill","time":"2026-11-27T08:00:00Z","data":{"fill_pct":92}}"#.utf8
            )
    }

    static let hostile: [(name: String, payload: [UInt8], problem: JSONError.Problem)] = [
        ("empty payload", [], .unexpectedEnd),
        ("whitespace only", Array(" \n".utf8), .unexpectedEnd),
        (
            "deep nesting in an extension",
            Payload.bytes(extra: ["\"deep\":" + String(repeating: "[", count: 40) + String(repeating: "]", count: 40)]), .tooDeep(limit: 32)
        ),
        (
            "deep nesting in data",
            Payload.bytes(data: #"{"fill_pct":92,"x":"# + String(repeating: #"{"a":"#, count: 40) + "1" + String(repeating: "}", count: 41)),
            .tooDeep(limit: 32)
        ),
        ("invalid UTF-8 in id", withID([0x61, 0xC3, 0x28]), .invalidUTF8),
        ("UTF-8 surrogate in id", withID([0xED, 0xB0, 0x80]), .invalidUTF8),
        ("control character in id", withID([0x61, 0x0A]), .controlCharacter(0x0A)),
        ("NaN in data", Payload.bytes(data: #"{"fill_pct":NaN}"#), .nonFiniteNumber),
        ("Infinity in data", Payload.bytes(data: #"{"fill_pct":-Infinity}"#), .nonFiniteNumber),
        ("huge number in data", Payload.bytes(data: #"{"fill_pct":1e999}"#), .numberOutOfRange),
        ("huge number in an ignored field", Payload.bytes(data: #"{"fill_pct":1,"noise":-1e999}"#), .numberOutOfRange),
        ("duplicate id", Payload.bytes(extra: [#""id":"evt-2""#]), .duplicateKey("id")),
        ("duplicate data field", Payload.bytes(data: #"{"fill_pct":10,"fill_pct":99}"#), .duplicateKey("fill_pct")),
        ("duplicate via escape", Payload.bytes(extra: [#""\u0069d":"evt-2""#]), .duplicateKey("id")),
        ("trailing garbage", Payload.bytes() + Array("x".utf8), .trailingData),
        ("two objects", Payload.bytes() + Payload.bytes(), .trailingData),
        ("lone surrogate escape", Payload.bytes(extra: [#""note":"\udead""#]), .unpairedSurrogate),
        ("byte order mark", [0xEF, 0xBB, 0xBF] + Payload.bytes(), .unexpectedByte(0xEF, expected: "a JSON value")),
        ("NUL byte after the object", Payload.bytes() + [0], .trailingData),
    ]

    @Test("rejects hostile payloads as invalid JSON without crashing", arguments: hostile)
    func rejectsHostile(_ example: (name: String, payload: [UInt8], problem: JSONError.Problem)) {
        do {
            _ = try Self.decode(Self.binTopic, example.payload)
            Issue.record("accepted \(example.name)")
        } catch {
            #expect(error.reason == "invalid_json")
            if case .invalidJSON(let jsonError) = error {
                #expect(jsonError.problem == example.problem)
            } else {
                Issue.record("expected invalid JSON, got \(error)")
            }
        }
    }

    @Test("reports invalid JSON even when an earlier attribute is also wrong")
    func syntaxBeforeSemantics() {
        let bytes = Payload.bytes(changes: ["specversion": #""0.3""#], extra: [#""tail":NaN"#])
        #expect(throws: EventDecodingError.self) { try Self.decode(Self.binTopic, bytes) }
        #expect((try? Self.decode(Self.binTopic, bytes)) == nil)
        do {
            _ = try Self.decode(Self.binTopic, bytes)
        } catch {
            #expect(error.reason == "invalid_json")
        }
    }

    @Test("descriptions truncate long values and never echo the payload")
    func truncatesEchoes() {
        let longType = "linli." + String(repeating: "z", count: 5000)
        do {
            _ = try Self.decode(Self.binTopic, Payload.bytes(type: longType))
            Issue.record("accepted an unknown type")
        } catch {
            #expect(error.reason == "unknown_type")
            #expect(error.description.count < 200)
            #expect(error.description.contains("…"))
        }
        let forged = Payload.bytes(changes: ["specversion": #""1.0\nlevel=critical msg=forged""#])
        do {
            _ = try Self.decode(Self.binTopic, forged)
            Issue.record("accepted a forged specversion")
        } catch {
            #expect(!error.description.contains("\n"))
            #expect(error.description.contains(#"\n"#))
        }
    }

    @Test("never traps on corrupted payloads")
    func survivesMutations() {
        let seeds = Self.valid.map {
            Payload.bytes(device: $0.device, type: $0.type.rawValue, data: $0.data)
        }
        var state: UInt64 = 7
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        let interesting: [UInt8] = Array(#"0"\{}[],:-.e9 "#.utf8) + [0x00, 0x80, 0xC3, 0xFF]
        var accepted = 0
        for _ in 0..<4000 {
            var bytes = seeds[next() % seeds.count]
            for _ in 0..<(1 + next() % 3) {
                let index = next() % bytes.count
                switch next() % 3 {
                case 0: bytes[index] = interesting[next() % interesting.count]
                case 1: bytes.remove(at: index)
                default: bytes.insert(interesting[next() % interesting.count], at: index)
                }
            }
            for topic in [Self.binTopic, Self.gateTopic, Self.careTopic] {
                if let event = try? Self.decode(topic, bytes) {
                    accepted += 1
                    #expect(event.topic == topic)
                }
            }
        }
        #expect(accepted > 0)
    }
}
