/// A parsed JSON value.
///
/// Numbers are `Double` (JSON has one number type; every integer up to 2^53 is exact; the raw text is not
/// kept). Objects keep their members in document order (``JSONObject``). The `init(parsing:)` initialisers are strict: see
/// ``JSONError/Problem`` for everything they reject.
///
/// ```swift
/// let value = try JSONValue(parsing: #"{"fill_pct": 92}"#)
/// value["fill_pct"]?.number   // 92.0
/// ```
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The deepest nesting of arrays and objects the parser accepts by default.
    public static let defaultMaxDepth = 32

    /// Parses one JSON text from UTF-8 bytes.
    ///
    /// - Parameters:
    ///   - bytes: The whole text; anything but whitespace after the value is an error.
    ///   - maxDepth: How deeply arrays and objects may nest (the top-level container is depth 1).
    /// - Throws: ``JSONError`` naming the byte offset and the problem.
    public init(parsing bytes: UnsafeRawBufferPointer, maxDepth: Int = JSONValue.defaultMaxDepth) throws(JSONError) {
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
        self = try parser.parseDocument()
    }

    /// Parses one JSON text from UTF-8 bytes.
    /// - Throws: ``JSONError`` naming the byte offset and the problem.
    public init(parsing bytes: [UInt8], maxDepth: Int = JSONValue.defaultMaxDepth) throws(JSONError) {
        let result: Result<JSONValue, JSONError> = bytes.withUnsafeBytes { raw in
            Result { () throws(JSONError) -> JSONValue in try JSONValue(parsing: raw, maxDepth: maxDepth) }
        }
        self = try result.get()
    }

    /// Parses one JSON text.
    /// - Throws: ``JSONError`` naming the byte offset (in UTF-8) and the problem.
    public init(parsing text: String, maxDepth: Int = JSONValue.defaultMaxDepth) throws(JSONError) {
        var text = text
        let result: Result<JSONValue, JSONError> = text.withUTF8 { buffer in
            Result { () throws(JSONError) -> JSONValue in
                try JSONValue(parsing: UnsafeRawBufferPointer(buffer), maxDepth: maxDepth)
            }
        }
        self = try result.get()
    }

    /// The member `key` of an object; `nil` for a missing key or a value that is not an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { object[key] } else { nil }
    }

    /// The string, if this is a string.
    public var string: String? {
        if case .string(let value) = self { value } else { nil }
    }

    /// The number, if this is a number.
    public var number: Double? {
        if case .number(let value) = self { value } else { nil }
    }

    /// The Boolean, if this is `true` or `false`.
    public var bool: Bool? {
        if case .bool(let value) = self { value } else { nil }
    }

    /// The elements, if this is an array.
    public var array: [JSONValue]? {
        if case .array(let value) = self { value } else { nil }
    }

    /// The object, if this is an object.
    public var object: JSONObject? {
        if case .object(let value) = self { value } else { nil }
    }

    /// Whether this is `null`.
    public var isNull: Bool {
        if case .null = self { true } else { false }
    }

    /// The JSON type name (`null`, `boolean`, `number`, `string`, `array`, `object`), for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Compact JSON text of this value (see ``JSONWriter``).
    public var jsonText: String {
        var writer = JSONWriter()
        writer.value(self)
        return writer.text
    }
}
