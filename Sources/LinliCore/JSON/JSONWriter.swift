/// Builds JSON text into a byte buffer: the encoder for events and tickets.
///
/// Commas and (optionally) indentation are handled for you; strings are escaped as RFC 8259 requires
/// (quote, backslash and control characters; everything else is written as UTF-8). Numbers are written
/// without exponent noise where possible: integral values below 10^18 as integers (`92`, not `92.0`), others in the
/// shortest form that reads back to the same `Double` (`0.93`). Non-finite numbers, which JSON cannot
/// express, are written as `null`.
///
/// ```swift
/// var writer = JSONWriter()
/// writer.beginObject()
/// writer.key("fill_pct")
/// writer.number(92)
/// writer.endObject()
/// writer.text   // {"fill_pct":92}
/// ```
public struct JSONWriter: Sendable {
    /// The text written so far, as UTF-8.
    public private(set) var bytes: [UInt8] = []
    /// Whether to write newlines and two-space indentation.
    public let pretty: Bool
    /// Per open container: whether it already has an element (so the next one needs a comma).
    private var hasElement: [Bool] = []
    /// Whether a key was just written (its value follows without a comma).
    private var afterKey = false

    /// Creates an empty writer.
    /// - Parameters:
    ///   - pretty: Write newlines and two-space indentation (for people, e.g. the CLI).
    ///   - capacity: Bytes to reserve up front.
    public init(pretty: Bool = false, capacity: Int = 256) {
        self.pretty = pretty
        bytes.reserveCapacity(capacity)
    }

    /// The text written so far.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Opens an object (`{`).
    public mutating func beginObject() {
        beginValue()
        bytes.append(UInt8(ascii: "{"))
        hasElement.append(false)
    }

    /// Closes the innermost object (`}`).
    public mutating func endObject() {
        endContainer(UInt8(ascii: "}"))
    }

    /// Opens an array (`[`).
    public mutating func beginArray() {
        beginValue()
        bytes.append(UInt8(ascii: "["))
        hasElement.append(false)
    }

    /// Closes the innermost array (`]`).
    public mutating func endArray() {
        endContainer(UInt8(ascii: "]"))
    }

    /// Writes an object key; the next call writes its value.
    public mutating func key(_ key: String) {
        beginValue()
        appendString(key)
        bytes.append(UInt8(ascii: ":"))
        if pretty { bytes.append(UInt8(ascii: " ")) }
        afterKey = true
    }

    /// Writes a string value.
    public mutating func string(_ value: String) {
        beginValue()
        appendString(value)
    }

    /// Writes a number value: integral values as integers, others in shortest round-trip form.
    public mutating func number(_ value: Double) {
        beginValue()
        if !value.isFinite {
            appendLiteral("null")
        } else if value == value.rounded(), value.magnitude < 1e18 {
            appendInteger(Int64(value))
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    /// Writes an integer value.
    public mutating func integer(_ value: Int) {
        beginValue()
        appendInteger(Int64(value))
    }

    /// Writes `true` or `false`.
    public mutating func bool(_ value: Bool) {
        beginValue()
        appendLiteral(value ? "true" : "false")
    }

    /// Writes `null`.
    public mutating func null() {
        beginValue()
        appendLiteral("null")
    }

    /// Writes a string, or `null` when `value` is `nil`.
    public mutating func string(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    /// Writes a number, or `null` when `value` is `nil`.
    public mutating func number(_ value: Double?) {
        if let value { number(value) } else { null() }
    }

    /// Writes a whole ``JSONValue`` tree.
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let flag): bool(flag)
        case .number(let number): self.number(number)
        case .string(let text): string(text)
        case .array(let elements):
            beginArray()
            for element in elements { self.value(element) }
            endArray()
        case .object(let object):
            beginObject()
            for member in object {
                key(member.key)
                self.value(member.value)
            }
            endObject()
        }
    }

    /// Appends raw, already valid JSON text as one value (e.g. a ticket encoded earlier).
    public mutating func raw(_ json: some Sequence<UInt8>) {
        beginValue()
        bytes.append(contentsOf: json)
    }

    // MARK: Internals

    private mutating func beginValue() {
        if afterKey {
            afterKey = false
            return
        }
        guard !hasElement.isEmpty else { return }
        if hasElement[hasElement.count - 1] { bytes.append(UInt8(ascii: ",")) }
        hasElement[hasElement.count - 1] = true
        if pretty { newline(indent: hasElement.count) }
    }

    private mutating func endContainer(_ close: UInt8) {
        let hadElements = hasElement.popLast() ?? false
        if pretty, hadElements { newline(indent: hasElement.count) }
        bytes.append(close)
    }

    private mutating func newline(indent: Int) {
        bytes.append(0x0A)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * 2))
    }

    private mutating func appendLiteral(_ literal: StaticString) {
        literal.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func appendInteger(_ value: Int64) {
        Self.appendDigits(of: value, to: &bytes)
    }

    /// Appends the decimal digits of `value` (with a leading `-` when negative) to `bytes`.
    static func appendDigits(of value: Int64, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var divisor: UInt64 = 1
        while divisor <= magnitude / 10 { divisor *= 10 }
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude / divisor))
            magnitude %= divisor
            divisor /= 10
        } while divisor > 0
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func appendString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                appendEscape(byte)
                runStart = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): appendLiteral("\\\"")
        case UInt8(ascii: "\\"): appendLiteral("\\\\")
        case 0x0A: appendLiteral("\\n")
        case 0x0D: appendLiteral("\\r")
        case 0x09: appendLiteral("\\t")
        case 0x08: appendLiteral("\\b")
        case 0x0C: appendLiteral("\\f")
        default:
            appendLiteral("\\u00")
            bytes.append(Self.hexDigits[Int(byte >> 4)])
            bytes.append(Self.hexDigits[Int(byte & 0xF)])
        }
    }
}
