internal import OrderedCollections

extension Event {
    /// The largest payload accepted: 16 KiB (`events.md`).
    public static let payloadLimit = 16_384

    /// Decodes and validates one MQTT message against the v1 contract and the site registry.
    ///
    /// Accepts any contiguous byte collection (`[UInt8]`, `ArraySlice<UInt8>`, `Data`); other collections are
    /// copied once. The checks are those of the `UnsafeRawBufferPointer` overload.
    /// - Throws: ``EventDecodingError`` naming the first rule the message breaks.
    public init(topic: String, payload: some Collection<UInt8>, registry: SiteRegistry) throws(EventDecodingError) {
        self = try Self.decoded(topic: topic, payload: payload, registry: registry).event
    }

    /// ``init(topic:payload:registry:)`` for any byte collection, with where the registry lists the device.
    static func decoded(
        topic: String,
        payload: some Collection<UInt8>,
        registry: SiteRegistry
    ) throws(EventDecodingError) -> DecodedEvent {
        let count = payload.count
        guard count <= Self.payloadLimit else {
            throw .payloadTooLarge(size: count, limit: Self.payloadLimit)
        }
        let decode = { (buffer: UnsafeRawBufferPointer) -> Result<DecodedEvent, EventDecodingError> in
            Result { () throws(EventDecodingError) -> DecodedEvent in
                try Self.decoded(topic: topic, payload: buffer, registry: registry)
            }
        }
        let result =
            payload.withContiguousStorageIfAvailable { decode(UnsafeRawBufferPointer($0)) }
            ?? Array(payload).withUnsafeBytes { decode($0) }
        return try result.get()
    }

    /// Decodes and validates one MQTT message against the v1 contract and the site registry.
    ///
    /// Checks, in this order, throwing at the first failure:
    /// 1. the payload is at most ``payloadLimit`` bytes;
    /// 2. the topic is `linli/v1/{site}/{kind}/{device}/event` (`site` `[a-z0-9-]{1,32}`, `kind` `bin`, `gate`
    ///    or `care`, `device` `[A-Za-z0-9_-]{1,64}`);
    /// 3. the payload is one strict JSON value (see ``JSONError/Problem``; duplicate keys are rejected) and an object;
    /// 4. the attributes `specversion` (`"1.0"`), `id` (non-empty string), `source` (string), `type` (a known
    ///    type), `time` (RFC 3339 with offset), `datacontenttype` (`"application/json"`, if present) and `data`
    ///    (an object); `subject` and extension attributes are ignored, whatever their type;
    /// 5. `source` is `/sites/{site}/devices/{device}` of the topic, and the type is of the topic's kind;
    /// 6. the site is registered; the device is registered at it (unless the site accepts unregistered
    ///    devices) with the topic's kind;
    /// 7. the type's data fields, in the contract's order: presence, JSON type, enumeration and range. Unknown
    ///    data fields are ignored; optional fields (`resident` of a gate pass, `room`) may be absent or `null`.
    ///
    /// This is the ingest hot path: the payload is walked once without building a JSON tree, and only the
    /// values an ``Event`` keeps become `String`s.
    ///
    /// ```swift
    /// let event = try Event(topic: message.topic, payload: message.payload, registry: registry)
    /// ```
    /// - Parameters:
    ///   - topic: The MQTT topic the message arrived on.
    ///   - payload: The MQTT payload.
    ///   - registry: The sites and devices events are checked against.
    /// - Throws: ``EventDecodingError`` naming the first rule the message breaks.
    public init(topic: String, payload: UnsafeRawBufferPointer, registry: SiteRegistry) throws(EventDecodingError) {
        self = try Self.decoded(topic: topic, payload: payload, registry: registry).event
    }

    /// ``init(topic:payload:registry:)``, with where the registry lists the device, so that the rules do not
    /// look it up again.
    static func decoded(
        topic: String,
        payload: UnsafeRawBufferPointer,
        registry: SiteRegistry
    ) throws(EventDecodingError) -> DecodedEvent {
        guard payload.count <= Self.payloadLimit else {
            throw .payloadTooLarge(size: payload.count, limit: Self.payloadLimit)
        }
        let route = try EventTopicParts(topic)

        var parser = JSONParser(bytes: payload)
        let envelope: CloudEventEnvelope
        do {
            envelope = try CloudEventEnvelope(scanning: &parser)
        } catch {
            throw .invalidJSON(error)
        }
        if let kind = envelope.nonObject { throw .notAnObject(found: kind.name) }

        // Attributes, in the contract's order.
        let specVersion = try envelope.requiredString("specversion", envelope.specVersion)
        guard parser.matches(specVersion, "1.0") else {
            throw .invalidAttribute("specversion", .unsupportedSpecVersion(parser.string(specVersion)))
        }
        let idSpan = try envelope.requiredString("id", envelope.id)
        guard idSpan.end > idSpan.start else { throw .invalidAttribute("id", .empty) }
        let sourceSpan = try envelope.requiredString("source", envelope.source)
        let typeSpan = try envelope.requiredString("type", envelope.type)
        guard let type = Self.eventType(typeSpan, in: parser) else { throw .unknownType(parser.string(typeSpan)) }
        let timeSpan = try envelope.requiredString("time", envelope.time)
        let parsedTime =
            timeSpan.hasEscapes
            ? RFC3339.parse(bytes: parser.decoded(timeSpan)) : RFC3339.parse(bytes: parser.rawBytes(timeSpan))
        guard let time = parsedTime else {
            throw .invalidAttribute("time", .invalidTime(parser.string(timeSpan)))
        }
        if let contentType = envelope.dataContentType {
            guard contentType.kind == .string, let span = contentType.span else {
                throw .invalidAttribute(
                    "datacontenttype",
                    .wrongType(expected: "string", found: contentType.kind.name)
                )
            }
            guard parser.matches(span, "application/json") else {
                throw .invalidAttribute("datacontenttype", .unsupportedContentType(parser.string(span)))
            }
        }
        guard let data = envelope.data else { throw .missingAttribute("data") }
        guard data.kind == .object else {
            throw .invalidAttribute("data", .wrongType(expected: "object", found: data.kind.name))
        }

        // Agreement with the topic.
        let sourceAgrees =
            sourceSpan.hasEscapes
            ? parser.matches(sourceSpan, string: Event.source(site: route.site, device: route.device))
            : route.isSource(parser.rawBytes(sourceSpan))
        guard sourceAgrees else {
            throw .sourceMismatch(
                source: parser.string(sourceSpan),
                expected: Event.source(site: route.site, device: route.device)
            )
        }
        guard type.kind == route.kind else { throw .kindMismatch(type: type, topicKind: route.kind) }

        // The registry: the site entry is copied out once, and handed to the rules with the device's position.
        guard let site = registry.sites[route.site] else { throw .unknownSite(route.site) }
        let deviceIndex = site.devices.index(forKey: route.device)
        if let deviceIndex {
            let registered = site.devices.values[deviceIndex].kind
            guard registered == route.kind else {
                throw .deviceKindMismatch(device: route.device, registered: registered, topicKind: route.kind)
            }
        } else if !site.acceptUnregistered {
            throw .unknownDevice(site: route.site, device: route.device)
        }

        // The data fields; then the event is built whole.
        parser.position = data.offset
        let eventData = try Self.decodeData(of: type, with: &parser)
        return DecodedEvent(
            event: Event(
                id: parser.string(idSpan),
                source: parser.string(sourceSpan),
                site: route.site,
                device: route.device,
                type: type,
                time: time,
                data: eventData
            ),
            deviceIndex: deviceIndex,
            site: site
        )
    }

    /// The event type a string span names, if any.
    private static func eventType(_ span: JSONParser.StringSpan, in parser: JSONParser) -> EventType? {
        guard !span.hasEscapes else {
            for type in EventType.allCases where parser.matches(span, string: type.rawValue) { return type }
            return nil
        }
        let text = parser.rawBytes(span)
        for (type, name) in typeNames where name.count == text.count && name.elementsEqual(text) { return type }
        return nil
    }

    /// Every event type with its name's UTF-8, compared byte by byte against payloads.
    private static let typeNames = EventType.allCases.map { ($0, Array($0.rawValue.utf8)) }

    /// Reads the data object at the parser's position (already validated as JSON) for `type`.
    private static func decodeData(
        of type: EventType,
        with parser: inout JSONParser
    ) throws(EventDecodingError) -> EventData {
        let fields = EventDataField.fields(of: type)
        var values = ScannedSlots()
        do {
            var cursor = try parser.beginObject()
            while let key = try parser.nextKey(&cursor) {
                if let index = fields.firstIndex(where: { parser.matches(key, $0.field.name) }) {
                    values[index] = try ScannedValue(scanning: &parser)
                } else {
                    try parser.skipValue()
                }
            }
        } catch {
            throw .invalidJSON(error)
        }

        var data = EventData()
        for (index, requirement) in fields.enumerated() {
            let field = requirement.field
            guard let value = values[index], value.kind != .null || requirement.required else {
                if requirement.required { throw .missingData(field: field.jsonName) }
                continue
            }
            switch field.rule {
            case .number(let range):
                guard let number = value.number else {
                    throw .invalidData(field: field.jsonName, value: value.render(parser), expected: "a number")
                }
                guard range.contains(number) else {
                    throw .outOfRange(field: field.jsonName, value: number, range: range)
                }
                field.set(number, in: &data)
            case .choice(let choices):
                guard let span = value.span, let choice = choices.first(where: { parser.matches(span, string: $0) })
                else {
                    throw .invalidData(
                        field: field.jsonName,
                        value: value.render(parser),
                        expected: "one of " + choices.joined(separator: ", ")
                    )
                }
                field.set(choice, in: &data)
            case .identifier:
                guard let span = value.span, span.end > span.start else {
                    throw .invalidData(
                        field: field.jsonName,
                        value: value.render(parser),
                        expected: "a non-empty string"
                    )
                }
                field.set(parser.string(span), in: &data)
            case .text:
                guard let span = value.span else {
                    throw .invalidData(field: field.jsonName, value: value.render(parser), expected: "a string")
                }
                field.set(parser.string(span), in: &data)
            }
        }
        return data
    }
}

/// The parts of an event topic `linli/v1/{site}/{kind}/{device}/event`, checked.
private struct EventTopicParts {
    var site: String
    var kind: DeviceKind
    var device: String

    init(_ topic: String) throws(EventDecodingError) {
        var text = topic
        let parsed = text.withUTF8 { Self.parse($0) }
        switch parsed {
        case .success(let route): self = route
        case .failure(let problem): throw .invalidTopic(topic, problem: problem.text)
        }
    }

    private init(site: String, kind: DeviceKind, device: String) {
        self.site = site
        self.kind = kind
        self.device = device
    }

    /// What is wrong with a topic (a `struct` so that it can be a `Result`'s failure).
    private struct Problem: Error {
        var text: String
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<EventTopicParts, Problem> {
        // Offsets of the five separators of `linli/v1/{site}/{kind}/{device}/event`.
        var slashes = (0, 0, 0, 0, 0)
        var count = 0
        for index in 0..<bytes.count where bytes[index] == UInt8(ascii: "/") {
            switch count {
            case 0: slashes.0 = index
            case 1: slashes.1 = index
            case 2: slashes.2 = index
            case 3: slashes.3 = index
            case 4: slashes.4 = index
            default: break
            }
            count += 1
        }
        guard count == 5 else { return .failure(Problem(text: "it has \(count + 1) levels, expected 6")) }
        func segment(_ start: Int, _ end: Int) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: bytes[start..<end])
        }
        guard Self.segment(segment(0, slashes.0), is: "linli"), Self.segment(segment(slashes.0 + 1, slashes.1), is: "v1")
        else { return .failure(Problem(text: "it must start with linli/v1/")) }
        guard Self.segment(segment(slashes.4 + 1, bytes.count), is: "event") else {
            return .failure(Problem(text: "it must end with /event"))
        }
        let site = segment(slashes.1 + 1, slashes.2)
        guard (1...32).contains(site.count), site.allSatisfy(isSiteByte) else {
            return .failure(Problem(text: "the site must match [a-z0-9-]{1,32}"))
        }
        guard let kind = Self.kind(segment(slashes.2 + 1, slashes.3)) else {
            return .failure(Problem(text: "the kind must be bin, gate or care"))
        }
        let device = segment(slashes.3 + 1, slashes.4)
        guard (1...64).contains(device.count), device.allSatisfy(isDeviceByte) else {
            return .failure(Problem(text: "the device must match [A-Za-z0-9_-]{1,64}"))
        }
        return .success(
            EventTopicParts(
                site: String(decoding: site, as: UTF8.self),
                kind: kind,
                device: String(decoding: device, as: UTF8.self)
            )
        )
    }

    /// The device kind a topic segment names, compared byte by byte.
    private static func kind(_ bytes: UnsafeBufferPointer<UInt8>) -> DeviceKind? {
        if segment(bytes, is: "bin") { return .bin }
        if segment(bytes, is: "gate") { return .gate }
        if segment(bytes, is: "care") { return .care }
        return nil
    }

    /// Whether a topic segment is `name`, byte by byte (not through the generic `String.UTF8View` comparison).
    private static func segment(_ bytes: UnsafeBufferPointer<UInt8>, is name: StaticString) -> Bool {
        name.withUTF8Buffer { $0.count == bytes.count && $0.elementsEqual(bytes) }
    }

    /// Whether `source` is `/sites/{site}/devices/{device}` for this topic's site and device.
    func isSource(_ source: UnsafeRawBufferPointer) -> Bool {
        let prefix: StaticString = "/sites/"
        let middle: StaticString = "/devices/"
        var site = site
        var device = device
        let count = prefix.utf8CodeUnitCount + site.utf8.count + middle.utf8CodeUnitCount + device.utf8.count
        guard source.count == count else { return false }
        var offset = 0
        var same = prefix.withUTF8Buffer { Self.equal(source, at: &offset, $0) }
        same = same && site.withUTF8 { Self.equal(source, at: &offset, $0) }
        same = same && middle.withUTF8Buffer { Self.equal(source, at: &offset, $0) }
        return same && device.withUTF8 { Self.equal(source, at: &offset, $0) }
    }

    /// Whether `part` is at `offset` in `bytes` (which is long enough); moves `offset` past it.
    private static func equal(_ bytes: UnsafeRawBufferPointer, at offset: inout Int, _ part: UnsafeBufferPointer<UInt8>) -> Bool {
        for index in 0..<part.count where bytes[offset + index] != part[index] { return false }
        offset += part.count
        return true
    }

    private static func isSiteByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"): true
        default: false
        }
    }

    private static func isDeviceByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default: false
        }
    }
}

/// The values of a type's data fields, noted while walking the data object: a fixed set of slots rather
/// than an array, so decoding an event allocates nothing for them (no type has more than three fields).
private struct ScannedSlots {
    private var first: ScannedValue?
    private var second: ScannedValue?
    private var third: ScannedValue?

    subscript(index: Int) -> ScannedValue? {
        get {
            switch index {
            case 0: first
            case 1: second
            case 2: third
            default: preconditionFailure("a type has at most three data fields")
            }
        }
        set {
            switch index {
            case 0: first = newValue
            case 1: second = newValue
            case 2: third = newValue
            default: preconditionFailure("a type has at most three data fields")
            }
        }
    }
}

/// One value noted while walking an object: its kind, where it starts, and its string span or number.
private struct ScannedValue {
    var kind: JSONParser.ValueKind
    var offset: Int
    var span: JSONParser.StringSpan? = nil
    var number: Double? = nil

    /// Reads (strings, numbers) or skips (everything else) the value at the parser's position.
    init(scanning parser: inout JSONParser) throws(JSONError) {
        kind = try parser.peekKind()
        offset = parser.position
        switch kind {
        case .string: span = try parser.scanString()
        case .number: number = try parser.readNumber()
        case .null, .bool, .array, .object: try parser.skipValue()
        }
    }

    /// Short JSON text of the value for error messages: strings quoted and truncated, containers elided.
    func render(_ parser: JSONParser) -> String {
        switch kind {
        case .string: span.map { EventDecodingError.quoted(parser.string($0)) } ?? "\"\""
        case .number: number.map(EventDecodingError.number) ?? "0"
        case .bool: parser.bytes[offset] == UInt8(ascii: "t") ? "true" : "false"
        case .null: "null"
        case .array: "[…]"
        case .object: "{…}"
        }
    }
}

/// The top-level attributes of a CloudEvent, noted in one pass over the payload (which also validates it).
private struct CloudEventEnvelope {
    var specVersion: ScannedValue?
    var id: ScannedValue?
    var source: ScannedValue?
    var type: ScannedValue?
    var time: ScannedValue?
    var dataContentType: ScannedValue?
    var data: ScannedValue?
    /// Set when the payload is valid JSON but not an object.
    var nonObject: JSONParser.ValueKind?

    init(scanning parser: inout JSONParser) throws(JSONError) {
        let kind = try parser.peekKind()
        guard kind == .object else {
            try parser.skipValue()
            try parser.finish()
            nonObject = kind
            return
        }
        var cursor = try parser.beginObject()
        while let key = try parser.nextKey(&cursor) {
            if parser.matches(key, "specversion") {
                specVersion = try ScannedValue(scanning: &parser)
            } else if parser.matches(key, "id") {
                id = try ScannedValue(scanning: &parser)
            } else if parser.matches(key, "source") {
                source = try ScannedValue(scanning: &parser)
            } else if parser.matches(key, "type") {
                type = try ScannedValue(scanning: &parser)
            } else if parser.matches(key, "time") {
                time = try ScannedValue(scanning: &parser)
            } else if parser.matches(key, "datacontenttype") {
                dataContentType = try ScannedValue(scanning: &parser)
            } else if parser.matches(key, "data") {
                data = try ScannedValue(scanning: &parser)
            } else {
                try parser.skipValue()
            }
        }
        try parser.finish()
    }

    /// The span of a required string attribute.
    func requiredString(_ name: String, _ value: ScannedValue?) throws(EventDecodingError) -> JSONParser.StringSpan {
        guard let value else { throw .missingAttribute(name) }
        guard let span = value.span else {
            throw .invalidAttribute(name, .wrongType(expected: "string", found: value.kind.name))
        }
        return span
    }
}

/// A data field of the contract, with its JSON name, its rule and where it goes in ``EventData``.
///
/// The one table of which type carries which fields: the decoder validates with it, the encoder writes with it.
enum EventDataField {
    case fillPct, expected, detected, confidence, celsius, batteryPct
    case credential, direction, resident, reason, state, method, room

    /// What values a field accepts.
    enum Rule {
        /// A JSON number in the range.
        case number(ClosedRange<Double>)
        /// One of these strings, exactly.
        case choice([String])
        /// A non-empty string (pseudonymous ids).
        case identifier
        /// Any string.
        case text
    }

    /// One field of a type's data and whether it must be present.
    struct Requirement {
        var field: EventDataField
        var required: Bool
    }

    static let streams = ["kitchen", "recyclable", "hazardous", "other"]
    static let credentials = ["card", "face", "qr", "code"]
    static let directions = ["in", "out"]
    static let reasons = ["unknown", "expired", "revoked", "mismatch"]
    static let doorStates = ["open", "closed"]
    static let methods = ["button", "kiosk", "visit", "app"]

    var name: StaticString {
        switch self {
        case .fillPct: "fill_pct"
        case .expected: "expected"
        case .detected: "detected"
        case .confidence: "confidence"
        case .celsius: "celsius"
        case .batteryPct: "battery_pct"
        case .credential: "credential"
        case .direction: "direction"
        case .resident: "resident"
        case .reason: "reason"
        case .state: "state"
        case .method: "method"
        case .room: "room"
        }
    }

    var jsonName: String { name.description }

    var rule: Rule {
        switch self {
        case .fillPct, .batteryPct: .number(0...100)
        case .confidence: .number(0...1)
        case .celsius: .number(-40...150)
        case .expected, .detected: .choice(Self.streams)
        case .credential: .choice(Self.credentials)
        case .direction: .choice(Self.directions)
        case .reason: .choice(Self.reasons)
        case .state: .choice(Self.doorStates)
        case .method: .choice(Self.methods)
        case .resident: .identifier
        case .room: .text
        }
    }

    /// The field's number in `data`, for numeric fields.
    func number(in data: EventData) -> Double? {
        switch self {
        case .fillPct: data.fillPct
        case .confidence: data.confidence
        case .celsius: data.celsius
        case .batteryPct: data.batteryPct
        default: nil
        }
    }

    /// The field's string in `data`, for string fields.
    func string(in data: EventData) -> String? {
        switch self {
        case .expected: data.expected
        case .detected: data.detected
        case .credential: data.credential
        case .direction: data.direction
        case .resident: data.resident
        case .reason: data.reason
        case .state: data.state
        case .method: data.method
        case .room: data.room
        default: nil
        }
    }

    /// Stores a numeric field's value in `data`.
    func set(_ value: Double, in data: inout EventData) {
        switch self {
        case .fillPct: data.fillPct = value
        case .confidence: data.confidence = value
        case .celsius: data.celsius = value
        case .batteryPct: data.batteryPct = value
        default: break
        }
    }

    /// Stores a string field's value in `data`.
    func set(_ value: String, in data: inout EventData) {
        switch self {
        case .expected: data.expected = value
        case .detected: data.detected = value
        case .credential: data.credential = value
        case .direction: data.direction = value
        case .resident: data.resident = value
        case .reason: data.reason = value
        case .state: data.state = value
        case .method: data.method = value
        case .room: data.room = value
        default: break
        }
    }

    private static let binFill = [Requirement(field: .fillPct, required: true)]
    private static let binContamination = [
        Requirement(field: .expected, required: true), Requirement(field: .detected, required: true),
        Requirement(field: .confidence, required: true),
    ]
    private static let binTemperature = [Requirement(field: .celsius, required: true)]
    private static let heartbeat = [Requirement(field: .batteryPct, required: true)]
    private static let gatePass = [
        Requirement(field: .credential, required: true), Requirement(field: .direction, required: true),
        Requirement(field: .resident, required: false),
    ]
    private static let gateDenied = [
        Requirement(field: .credential, required: true), Requirement(field: .reason, required: true),
    ]
    private static let gateDoor = [Requirement(field: .state, required: true)]
    private static let none: [Requirement] = []
    private static let careCheckin = [
        Requirement(field: .resident, required: true), Requirement(field: .method, required: true),
    ]
    private static let careSOS = [Requirement(field: .resident, required: true)]
    private static let careFall = [
        Requirement(field: .resident, required: true), Requirement(field: .confidence, required: true),
    ]
    private static let careMotion = [
        Requirement(field: .resident, required: true), Requirement(field: .room, required: false),
    ]

    /// The data fields of `type`, in the contract's order.
    static func fields(of type: EventType) -> [Requirement] {
        switch type {
        case .binFill: binFill
        case .binContamination: binContamination
        case .binTemperature: binTemperature
        case .binHeartbeat, .careHeartbeat: heartbeat
        case .gatePass: gatePass
        case .gateDenied: gateDenied
        case .gateDoor: gateDoor
        case .gateForced, .gateHeartbeat: none
        case .careCheckin: careCheckin
        case .careSOS: careSOS
        case .careFall: careFall
        case .careMotion: careMotion
        }
    }
}
