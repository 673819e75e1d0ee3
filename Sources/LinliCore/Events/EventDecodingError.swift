/// Why an MQTT message was not accepted as an ``Event``: one case per rejection rule of `events.md`.
///
/// ``reason`` is a stable snake_case code (the metrics label and the dead letter's reason);
/// ``description`` names the field and the offending value. Echoed values are truncated to
/// ``EventDecodingError/echoLimit`` characters and the payload itself is never quoted whole.
public enum EventDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong with an envelope attribute.
    public enum AttributeProblem: Sendable, Hashable, CustomStringConvertible {
        /// The value has the wrong JSON type, e.g. a number where a string is required.
        case wrongType(expected: String, found: String)
        /// The value is an empty string.
        case empty
        /// `specversion` is not `"1.0"`.
        case unsupportedSpecVersion(String)
        /// `datacontenttype` is present but not `"application/json"`.
        case unsupportedContentType(String)
        /// `time` is not an RFC 3339 timestamp with an offset.
        case invalidTime(String)

        /// The problem in words.
        public var description: String {
            switch self {
            case .wrongType(let expected, let found): "must be a \(expected), not a \(found)"
            case .empty: "must not be empty"
            case .unsupportedSpecVersion(let value): "must be \"1.0\", not \(EventDecodingError.quoted(value))"
            case .unsupportedContentType(let value): "must be \"application/json\", not \(EventDecodingError.quoted(value))"
            case .invalidTime(let value):
                "must be RFC 3339 with an offset (e.g. 2026-11-27T08:00:00+08:00), not \(EventDecodingError.quoted(value))"
            }
        }
    }

    /// The payload is larger than ``Event/payloadLimit``.
    case payloadTooLarge(size: Int, limit: Int)
    /// The payload is not valid JSON (or breaks the parser's limits).
    case invalidJSON(JSONError)
    /// The payload is valid JSON but not an object.
    case notAnObject(found: String)
    /// A required envelope attribute is absent.
    case missingAttribute(String)
    /// An envelope attribute is present but unacceptable.
    case invalidAttribute(String, AttributeProblem)
    /// `type` is a string but not one of the contract's event types.
    case unknownType(String)
    /// The topic is not `linli/v1/{site}/{kind}/{device}/event`; `problem` says which part is wrong.
    case invalidTopic(String, problem: String)
    /// `source` is not `/sites/{site}/devices/{device}` for the topic's site and device.
    case sourceMismatch(source: String, expected: String)
    /// The event type belongs to another device kind than the topic's.
    case kindMismatch(type: EventType, topicKind: DeviceKind)
    /// The topic's site is not in the registry.
    case unknownSite(String)
    /// The device is not registered at the site, which does not accept unregistered devices.
    case unknownDevice(site: String, device: String)
    /// The device is registered with another kind than the topic's.
    case deviceKindMismatch(device: String, registered: DeviceKind, topicKind: DeviceKind)
    /// A data field the type requires is absent.
    case missingData(field: String)
    /// A data field has the wrong JSON type or a value outside its enumeration; `expected` says what is allowed.
    ///
    /// `value` is the offending value as short JSON text (`"kitchenx"`, `42`, `null`, `{…}`), already truncated.
    case invalidData(field: String, value: String, expected: String)
    /// A numeric data field is outside its range.
    case outOfRange(field: String, value: Double, range: ClosedRange<Double>)

    /// How many characters of an offending value descriptions echo.
    public static let echoLimit = 64

    /// A stable snake_case code: the metrics label and the dead letter's reason.
    public var reason: String {
        switch self {
        case .payloadTooLarge: "payload_too_large"
        case .invalidJSON: "invalid_json"
        case .notAnObject: "not_an_object"
        case .missingAttribute: "missing_attribute"
        case .invalidAttribute: "invalid_attribute"
        case .unknownType: "unknown_type"
        case .invalidTopic: "invalid_topic"
        case .sourceMismatch: "source_mismatch"
        case .kindMismatch: "kind_mismatch"
        case .unknownSite: "unknown_site"
        case .unknownDevice: "unknown_device"
        case .deviceKindMismatch: "device_kind_mismatch"
        case .missingData: "missing_data"
        case .invalidData: "invalid_data"
        case .outOfRange: "out_of_range"
        }
    }

    /// Every reason code, e.g. to pre-register metrics labels.
    public static let allReasons: [String] = [
        "payload_too_large", "invalid_json", "not_an_object", "missing_attribute", "invalid_attribute",
        "unknown_type", "invalid_topic", "source_mismatch", "kind_mismatch", "unknown_site", "unknown_device",
        "device_kind_mismatch", "missing_data", "invalid_data", "out_of_range",
    ]

    /// What was wrong, naming the field and (truncated) value.
    public var description: String {
        switch self {
        case .payloadTooLarge(let size, let limit):
            "payload is \(size) bytes, more than the limit of \(limit)"
        case .invalidJSON(let error):
            "payload is not valid JSON: \(error)"
        case .notAnObject(let found):
            "payload must be a JSON object, not a \(found)"
        case .missingAttribute(let name):
            "missing required attribute `\(name)`"
        case .invalidAttribute(let name, let problem):
            "attribute `\(name)` \(problem)"
        case .unknownType(let type):
            "attribute `type` is not a known event type: \(EventDecodingError.quoted(type))"
        case .invalidTopic(let topic, let problem):
            "topic \(EventDecodingError.quoted(topic)) is not linli/v1/{site}/{kind}/{device}/event: \(problem)"
        case .sourceMismatch(let source, let expected):
            "attribute `source` \(EventDecodingError.quoted(source)) disagrees with the topic (expected \(EventDecodingError.quoted(expected)))"
        case .kindMismatch(let type, let topicKind):
            "attribute `type` \"\(type.rawValue)\" is a \(type.kind.rawValue) event, but the topic kind is "
                + "\(topicKind.rawValue)"
        case .unknownSite(let site):
            "site \(EventDecodingError.quoted(site)) is not in the site registry"
        case .unknownDevice(let site, let device):
            "device \(EventDecodingError.quoted(device)) is not registered at site \(EventDecodingError.quoted(site))"
        case .deviceKindMismatch(let device, let registered, let topicKind):
            "device \(EventDecodingError.quoted(device)) is registered as a \(registered.rawValue), but the topic kind is "
                + "\(topicKind.rawValue)"
        case .missingData(let field):
            "missing required data field `data.\(field)`"
        case .invalidData(let field, let value, let expected):
            "data field `data.\(field)` must be \(expected), not \(value)"
        case .outOfRange(let field, let value, let range):
            "data field `data.\(field)` is \(EventDecodingError.number(value)), outside \(EventDecodingError.number(range.lowerBound))..."
                + "\(EventDecodingError.number(range.upperBound))"
        }
    }

    /// `value` as a quoted, escaped string literal cut to ``echoLimit`` characters, so that control characters
    /// in hostile input cannot forge log lines.
    static func quoted(_ value: String) -> String {
        var writer = JSONWriter(capacity: value.utf8.count + 8)
        if value.count > echoLimit {
            writer.string(String(value.prefix(echoLimit)) + "…")
        } else {
            writer.string(value)
        }
        return writer.text
    }

    /// A number as JSON writes it (`92`, `0.5`).
    static func number(_ value: Double) -> String {
        var writer = JSONWriter(capacity: 24)
        writer.number(value)
        return writer.text
    }
}
