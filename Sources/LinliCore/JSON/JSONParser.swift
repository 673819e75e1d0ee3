/// A strict JSON (RFC 8259) parser over UTF-8 bytes.
///
/// Two ways to use it:
/// - ``parseDocument()`` builds a ``JSONValue`` tree (tickets, configuration, tests);
/// - the cursor API (``beginObject()``, ``nextKey(_:)``, ``scanString()``, ``readNumber()``, ``skipValue()``)
///   walks a document without building it, so the event decoder reads only the fields it needs and makes
///   `String`s only for the values it keeps. Both modes apply the same checks.
///
/// Rejected (see ``JSONError/Problem``): invalid UTF-8 and unescaped control characters in strings, bad or
/// unpaired `\u` escapes, `NaN`/`Infinity`, malformed numbers and numbers that overflow a `Double`, nesting
/// deeper than `maxDepth`, duplicate keys in one object, and anything but whitespace after the value.
/// The parser never traps on any input: every index is checked, and recursion is bounded by `maxDepth`.
///
/// - Important: The buffer must stay valid while the parser is used (it is meant for `withUnsafeBytes`).
struct JSONParser {
    /// What the next value is, judged from its first byte.
    enum ValueKind: Sendable, Hashable {
        case null, bool, number, string, array, object

        /// The JSON type name, for error messages.
        var name: String {
            switch self {
            case .null: "null"
            case .bool: "boolean"
            case .number: "number"
            case .string: "string"
            case .array: "array"
            case .object: "object"
            }
        }
    }

    /// Where a string's content lies in the input (between the quotes), validated.
    struct StringSpan: Sendable, Hashable {
        /// Offset of the first content byte.
        var start: Int
        /// Offset of the closing quote.
        var end: Int
        /// Whether the content contains backslash escapes (then it must be decoded, not just copied).
        var hasEscapes: Bool
    }

    /// The state of one object being walked with ``nextKey(_:)``.
    struct ObjectCursor {
        /// Index in ``keySpans`` where this object's keys start.
        fileprivate let keyBase: Int
        /// Whether no member has been read yet.
        fileprivate var first = true
        /// Keys seen, once the object has too many for linear duplicate checks.
        fileprivate var manyKeys: Set<String>? = nil
    }

    /// Above this many keys in one object, duplicate detection switches from a linear scan to a set.
    private static let linearKeyLimit = 24

    /// The input.
    let bytes: UnsafeRawBufferPointer
    /// The offset of the next byte to read.
    var position = 0
    /// The deepest nesting accepted.
    let maxDepth: Int
    /// The current nesting of arrays and objects.
    private(set) var depth = 0
    /// Keys of the objects being walked, innermost last (cursor mode duplicate detection).
    private var keySpans: [StringSpan] = []

    /// Creates a parser at the start of `bytes`.
    init(bytes: UnsafeRawBufferPointer, maxDepth: Int = JSONValue.defaultMaxDepth) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        // An event's envelope and data keys, allocated once rather than grown 1, 2, 4, 8, 16 (an allocation each).
        keySpans.reserveCapacity(Self.expectedKeys)
    }

    /// Keys the key list holds before it grows: a contract event has about 7 attributes and 1 to 4 data fields.
    private static let expectedKeys = 16

    // MARK: Tree mode

    /// Parses the whole input as one JSON value.
    mutating func parseDocument() throws(JSONError) -> JSONValue {
        let value = try parseValue()
        try finish()
        return value
    }

    /// Parses one value (skipping whitespace before it).
    mutating func parseValue() throws(JSONError) -> JSONValue {
        switch try peekKind() {
        case .object: return .object(try parseObject())
        case .array: return .array(try parseArray())
        case .string:
            let span = try scanString()
            return .string(string(span))
        case .number: return .number(try readNumber())
        case .bool: return .bool(try readBool())
        case .null:
            try readNull()
            return .null
        }
    }

    private mutating func parseObject() throws(JSONError) -> JSONObject {
        try enter()
        position += 1
        var members: [JSONObject.Member] = []
        var manyKeys: Set<String>? = nil
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return JSONObject(members)
        }
        while true {
            skipWhitespace()
            let keyOffset = position
            guard position < bytes.count else { throw error(.unexpectedEnd) }
            guard bytes[position] == UInt8(ascii: "\"") else {
                throw error(.unexpectedByte(bytes[position], expected: "a string key"))
            }
            let key = string(try scanString())
            if var set = manyKeys {
                guard set.insert(key).inserted else { throw duplicate(key, at: keyOffset) }
                manyKeys = set
            } else {
                for member in members where member.key == key { throw duplicate(key, at: keyOffset) }
                if members.count >= Self.linearKeyLimit { manyKeys = Set(members.map(\.key) + [key]) }
            }
            try expectColon()
            let value = try parseValue()
            members.append(JSONObject.Member(key: key, value: value))
            skipWhitespace()
            guard position < bytes.count else { throw error(.unexpectedEnd) }
            switch bytes[position] {
            case UInt8(ascii: ","):
                position += 1
            case UInt8(ascii: "}"):
                position += 1
                depth -= 1
                return JSONObject(members)
            default:
                throw error(.unexpectedByte(bytes[position], expected: "',' or '}'"))
            }
        }
    }

    private mutating func parseArray() throws(JSONError) -> [JSONValue] {
        try enter()
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return elements
        }
        while true {
            elements.append(try parseValue())
            skipWhitespace()
            guard position < bytes.count else { throw error(.unexpectedEnd) }
            switch bytes[position] {
            case UInt8(ascii: ","):
                position += 1
            case UInt8(ascii: "]"):
                position += 1
                depth -= 1
                return elements
            default:
                throw error(.unexpectedByte(bytes[position], expected: "',' or ']'"))
            }
        }
    }

    // MARK: Cursor mode

    /// Skips whitespace and checks that nothing else follows.
    mutating func finish() throws(JSONError) {
        skipWhitespace()
        guard position == bytes.count else { throw error(.trailingData) }
    }

    /// Skips whitespace and tells what kind of value starts there, without consuming it.
    ///
    /// - Throws: At the end of input, or at a byte no value starts with.
    mutating func peekKind() throws(JSONError) -> ValueKind {
        skipWhitespace()
        guard position < bytes.count else { throw error(.unexpectedEnd) }
        switch bytes[position] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "N"), UInt8(ascii: "I"): throw error(.nonFiniteNumber)
        case let byte: throw error(.unexpectedByte(byte, expected: "a JSON value"))
        }
    }

    /// Consumes the `{` of an object (after whitespace); read its members with ``nextKey(_:)``.
    mutating func beginObject() throws(JSONError) -> ObjectCursor {
        skipWhitespace()
        guard position < bytes.count else { throw error(.unexpectedEnd) }
        guard bytes[position] == UInt8(ascii: "{") else {
            throw error(.unexpectedByte(bytes[position], expected: "'{'"))
        }
        try enter()
        position += 1
        // One allocation for the whole walk instead of one per doubling.
        if keySpans.capacity == 0 { keySpans.reserveCapacity(16) }
        return ObjectCursor(keyBase: keySpans.count)
    }

    /// Reads the next key of an object and its `:`, leaving the parser at the value; `nil` after the `}`.
    ///
    /// The caller must consume the value (read it or ``skipValue()``) before asking for the next key.
    /// - Throws: On malformed syntax or a key already seen in this object.
    mutating func nextKey(_ cursor: inout ObjectCursor) throws(JSONError) -> StringSpan? {
        skipWhitespace()
        guard position < bytes.count else { throw error(.unexpectedEnd) }
        if bytes[position] == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            keySpans.removeSubrange(cursor.keyBase...)
            return nil
        }
        if !cursor.first {
            guard bytes[position] == UInt8(ascii: ",") else {
                throw error(.unexpectedByte(bytes[position], expected: "',' or '}'"))
            }
            position += 1
            skipWhitespace()
            guard position < bytes.count else { throw error(.unexpectedEnd) }
        }
        guard bytes[position] == UInt8(ascii: "\"") else {
            throw error(.unexpectedByte(bytes[position], expected: "a string key"))
        }
        let keyOffset = position
        let key = try scanString()
        cursor.first = false
        if var set = cursor.manyKeys {
            let text = string(key)
            guard set.insert(text).inserted else { throw duplicate(text, at: keyOffset) }
            cursor.manyKeys = set
        } else {
            for index in cursor.keyBase..<keySpans.count where equal(keySpans[index], key) {
                throw duplicate(string(key), at: keyOffset)
            }
            keySpans.append(key)
            if keySpans.count - cursor.keyBase > Self.linearKeyLimit {
                cursor.manyKeys = Set(keySpans[cursor.keyBase...].map { string($0) })
            }
        }
        try expectColon()
        return key
    }

    /// Consumes one value of any kind, checking it exactly as ``parseValue()`` would, without building it.
    mutating func skipValue() throws(JSONError) {
        switch try peekKind() {
        case .object:
            var cursor = try beginObject()
            while try nextKey(&cursor) != nil { try skipValue() }
        case .array:
            try enter()
            position += 1
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                position += 1
                depth -= 1
                return
            }
            while true {
                try skipValue()
                skipWhitespace()
                guard position < bytes.count else { throw error(.unexpectedEnd) }
                switch bytes[position] {
                case UInt8(ascii: ","):
                    position += 1
                case UInt8(ascii: "]"):
                    position += 1
                    depth -= 1
                    return
                default:
                    throw error(.unexpectedByte(bytes[position], expected: "',' or ']'"))
                }
            }
        case .string: _ = try scanString()
        case .number: _ = try readNumber()
        case .bool: _ = try readBool()
        case .null: try readNull()
        }
    }

    /// Reads `true` or `false` (after whitespace).
    mutating func readBool() throws(JSONError) -> Bool {
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "t") {
            try expectLiteral("true")
            return true
        }
        try expectLiteral("false")
        return false
    }

    /// Reads `null` (after whitespace).
    mutating func readNull() throws(JSONError) {
        skipWhitespace()
        try expectLiteral("null")
    }

    // MARK: Strings

    /// Reads and validates a string (after whitespace), returning where its content lies.
    ///
    /// Checks UTF-8 (no overlong forms, surrogates or values above U+10FFFF), rejects unescaped control
    /// characters and checks every escape, including surrogate pairs.
    mutating func scanString() throws(JSONError) -> StringSpan {
        skipWhitespace()
        guard position < bytes.count else { throw error(.unexpectedEnd) }
        guard bytes[position] == UInt8(ascii: "\"") else {
            throw error(.unexpectedByte(bytes[position], expected: "'\"'"))
        }
        position += 1
        let start = position
        var hasEscapes = false
        let count = bytes.count
        // Plain ASCII runs are walked in a local index; `position` is updated around the rarer cases.
        var index = position
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                position = index + 1
                return StringSpan(start: start, end: index, hasEscapes: hasEscapes)
            } else if byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            position = index
            if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                try scanEscape()
            } else if byte < 0x20 {
                throw error(.controlCharacter(byte))
            } else {
                try scanMultiByte(byte)
            }
            index = position
        }
        position = index
        throw error(.unexpectedEnd)
    }

    /// The content of a string span as a `String`.
    func string(_ span: StringSpan) -> String {
        if span.hasEscapes { return String(decoding: decoded(span), as: UTF8.self) }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[span.start..<span.end]), as: UTF8.self)
    }

    /// The content of a string span as UTF-8 bytes, escapes decoded.
    func decoded(_ span: StringSpan) -> [UInt8] {
        guard span.hasEscapes else { return Array(bytes[span.start..<span.end]) }
        // Decoding never lengthens: an escape's bytes become at most as many bytes of UTF-8.
        return [UInt8](unsafeUninitializedCapacity: span.end - span.start) { out, written in
            written = 0
            func put(_ byte: UInt8) {
                out[written] = byte
                written += 1
            }
            var index = span.start
            while index < span.end {
                // The run of plain bytes up to the next escape, copied at once.
                var runEnd = index
                while runEnd < span.end, bytes[runEnd] != UInt8(ascii: "\\") { runEnd += 1 }
                if runEnd > index {
                    UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: out[written..<(written + runEnd - index)]))
                        .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[index..<runEnd]))
                    written += runEnd - index
                    index = runEnd
                }
                guard index < span.end else { break }
                let escape = bytes[index + 1]
                index += 2
                switch escape {
                case UInt8(ascii: "b"): put(0x08)
                case UInt8(ascii: "f"): put(0x0C)
                case UInt8(ascii: "n"): put(0x0A)
                case UInt8(ascii: "r"): put(0x0D)
                case UInt8(ascii: "t"): put(0x09)
                case UInt8(ascii: "u"):
                    var scalar = UInt32(hexValue(at: index))
                    index += 4
                    if scalar >= 0xD800, scalar <= 0xDBFF {
                        let low = UInt32(hexValue(at: index + 2))
                        index += 6
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    for byte in (Unicode.Scalar(scalar) ?? "\u{FFFD}").utf8 { put(byte) }
                default: put(escape)
                }
            }
        }
    }

    /// Whether a string span's content equals `literal` (compared after decoding escapes).
    func matches(_ span: StringSpan, _ literal: StaticString) -> Bool {
        literal.withUTF8Buffer { expected in
            if span.hasEscapes { return decoded(span).elementsEqual(expected) }
            guard span.end - span.start == expected.count else { return false }
            for offset in 0..<expected.count where bytes[span.start + offset] != expected[offset] { return false }
            return true
        }
    }

    /// Whether a string span's content equals `string`'s UTF-8 (compared after decoding escapes).
    func matches(_ span: StringSpan, string: String) -> Bool {
        if span.hasEscapes { return decoded(span).elementsEqual(string.utf8) }
        let length = span.end - span.start
        guard string.utf8.count == length else { return false }
        let contiguous = string.utf8.withContiguousStorageIfAvailable { expected in
            for offset in 0..<length where bytes[span.start + offset] != expected[offset] { return false }
            return true
        }
        return contiguous ?? rawBytes(span).elementsEqual(string.utf8)
    }

    /// Whether two string spans have the same content.
    func equal(_ lhs: StringSpan, _ rhs: StringSpan) -> Bool {
        if lhs.hasEscapes || rhs.hasEscapes { return decoded(lhs) == decoded(rhs) }
        let length = lhs.end - lhs.start
        guard rhs.end - rhs.start == length else { return false }
        for offset in 0..<length where bytes[lhs.start + offset] != bytes[rhs.start + offset] { return false }
        return true
    }

    /// The raw bytes of a span without escapes, for allocation-free parsing (e.g. timestamps).
    func rawBytes(_ span: StringSpan) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[span.start..<span.end])
    }

    private mutating func scanEscape() throws(JSONError) {
        guard position + 1 < bytes.count else {
            position = bytes.count
            throw error(.unexpectedEnd)
        }
        switch bytes[position + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 2
        case UInt8(ascii: "u"):
            guard let unit = hex4(at: position + 2) else { throw error(.invalidEscape) }
            if unit >= 0xDC00, unit <= 0xDFFF { throw error(.unpairedSurrogate) }
            if unit >= 0xD800, unit <= 0xDBFF {
                guard position + 7 < bytes.count, bytes[position + 6] == UInt8(ascii: "\\"),
                    bytes[position + 7] == UInt8(ascii: "u"), let low = hex4(at: position + 8),
                    low >= 0xDC00, low <= 0xDFFF
                else { throw error(.unpairedSurrogate) }
                position += 12
            } else {
                position += 6
            }
        default:
            throw error(.invalidEscape)
        }
    }

    private mutating func scanMultiByte(_ lead: UInt8) throws(JSONError) {
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            high = 0x9F
        case 0xF0:
            length = 4
            low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            high = 0x8F
        default: throw error(.invalidUTF8)
        }
        guard position + length <= bytes.count else { throw error(.invalidUTF8) }
        let second = bytes[position + 1]
        guard second >= low, second <= high else { throw error(.invalidUTF8) }
        for offset in 2..<max(2, length) where bytes[position + offset] & 0xC0 != 0x80 {
            throw error(.invalidUTF8)
        }
        position += length
    }

    private func hex4(at index: Int) -> UInt16? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt16 = 0
        for offset in 0..<4 {
            let byte = bytes[index + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    private func hexValue(at index: Int) -> UInt16 { hex4(at: index) ?? 0xFFFD }

    // MARK: Numbers

    /// Exact powers of ten for the fast path (10^22 is the largest exactly representable).
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
        1e19, 1e20, 1e21, 1e22,
    ]

    /// Reads a number (after whitespace), correctly rounded to the nearest `Double`.
    ///
    /// Up to 15 significant digits with a small exponent take an exact integer fast path; anything else is
    /// converted by the standard library. Overflow to infinity is an error; underflow becomes zero.
    mutating func readNumber() throws(JSONError) -> Double {
        skipWhitespace()
        let start = position
        let count = bytes.count
        var negative = false
        if position < count, bytes[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        guard position < count else { throw error(.unexpectedEnd) }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var decimalExponent = 0
        let first = bytes[position]
        if first == UInt8(ascii: "0") {
            position += 1
            if position < count, isDigit(bytes[position]) { throw error(.invalidNumber) }
        } else if isDigit(first) {
            while position < count, isDigit(bytes[position]) {
                accumulate(bytes[position], into: &mantissa, digits: &significantDigits, exponent: &decimalExponent)
                position += 1
            }
        } else if first == UInt8(ascii: "I") {
            throw error(.nonFiniteNumber)
        } else {
            throw error(.invalidNumber)
        }
        if position < count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard position < count, isDigit(bytes[position]) else { throw error(.invalidNumber) }
            while position < count, isDigit(bytes[position]) {
                accumulate(bytes[position], into: &mantissa, digits: &significantDigits, exponent: &decimalExponent)
                decimalExponent -= 1
                position += 1
            }
        }
        if position < count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            var exponentSign = 1
            if position < count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                if bytes[position] == UInt8(ascii: "-") { exponentSign = -1 }
                position += 1
            }
            guard position < count, isDigit(bytes[position]) else { throw error(.invalidNumber) }
            var exponent = 0
            while position < count, isDigit(bytes[position]) {
                if exponent < 100_000 { exponent = exponent * 10 + Int(bytes[position] - UInt8(ascii: "0")) }
                position += 1
            }
            decimalExponent += exponentSign * exponent
        }

        var value: Double
        if mantissa == 0 {
            value = 0
        } else if significantDigits <= 15, decimalExponent >= -22, decimalExponent <= 22 {
            value = Double(mantissa)
            if decimalExponent > 0 {
                value *= Self.powersOfTen[decimalExponent]
            } else if decimalExponent < 0 {
                value /= Self.powersOfTen[-decimalExponent]
            }
        } else {
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
            guard let parsed = Double(text) else {
                position = start
                throw error(.invalidNumber)
            }
            value = parsed.magnitude
        }
        guard value.isFinite else {
            position = start
            throw error(.numberOutOfRange)
        }
        return negative ? -value : value
    }

    /// Adds one digit to the significand; digits past 19 only scale the exponent (the slow path rounds them).
    private func accumulate(_ byte: UInt8, into mantissa: inout UInt64, digits: inout Int, exponent: inout Int) {
        if mantissa == 0, byte == UInt8(ascii: "0") { return }
        if digits < 19 {
            mantissa = mantissa * 10 + UInt64(byte - UInt8(ascii: "0"))
        } else {
            exponent += 1
        }
        digits += 1
    }

    // MARK: Helpers

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// Skips JSON whitespace: space, tab, line feed, carriage return.
    mutating func skipWhitespace() {
        var index = position
        let count = bytes.count
        while index < count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default:
                position = index
                return
            }
        }
        position = index
    }

    private mutating func enter() throws(JSONError) {
        guard depth < maxDepth else { throw error(.tooDeep(limit: maxDepth)) }
        depth += 1
    }

    private mutating func expectColon() throws(JSONError) {
        skipWhitespace()
        guard position < bytes.count else { throw error(.unexpectedEnd) }
        guard bytes[position] == UInt8(ascii: ":") else {
            throw error(.unexpectedByte(bytes[position], expected: "':'"))
        }
        position += 1
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONError) {
        let count = literal.utf8CodeUnitCount
        let matched = literal.withUTF8Buffer { expected in
            var offset = 0
            while offset < count, position + offset < bytes.count, bytes[position + offset] == expected[offset] {
                offset += 1
            }
            return offset
        }
        guard matched == count else {
            position += matched
            if position >= bytes.count { throw error(.unexpectedEnd) }
            throw error(.unexpectedByte(bytes[position], expected: "'\(literal)'"))
        }
        position += count
    }

    /// An error at the current position.
    func error(_ problem: JSONError.Problem) -> JSONError {
        JSONError(offset: position, problem: problem)
    }

    private func duplicate(_ key: String, at offset: Int) -> JSONError {
        JSONError(offset: offset, problem: .duplicateKey(key.count > 64 ? String(key.prefix(64)) + "…" : key))
    }
}
