/// Why a JSON text was rejected, and the byte offset where the parser noticed.
///
/// The parser is strict (RFC 8259 plus the limits below), so every rejection has a precise cause that can be
/// logged or kept in a dead letter without echoing the input: values quoted in ``problem`` are truncated.
public struct JSONError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong.
    public enum Problem: Sendable, Hashable {
        /// The text ended inside a value (or was empty).
        case unexpectedEnd
        /// A byte that cannot start or continue what was expected; `expected` says what would have.
        case unexpectedByte(UInt8, expected: String)
        /// `NaN`, `Infinity` or `-Infinity`: not JSON.
        case nonFiniteNumber
        /// A number that is not in JSON's grammar (leading zero, lone `-`, `1.`, `1e`).
        case invalidNumber
        /// A number too large for a `Double` (it would become infinity).
        case numberOutOfRange
        /// A string containing bytes that are not valid UTF-8.
        case invalidUTF8
        /// An unescaped control character (U+0000...U+001F) inside a string.
        case controlCharacter(UInt8)
        /// A backslash escape JSON does not define, or a malformed `\u` escape.
        case invalidEscape
        /// A `\u` escape of a UTF-16 surrogate without its other half.
        case unpairedSurrogate
        /// Arrays and objects nested deeper than the limit.
        case tooDeep(limit: Int)
        /// The same key twice in one object (Linli rejects these: which value wins is ambiguous).
        case duplicateKey(String)
        /// Something after the top-level value.
        case trailingData
    }

    /// Byte offset (0-based) in the input where the problem was found.
    public var offset: Int
    /// What was wrong.
    public var problem: Problem

    /// Creates an error.
    public init(offset: Int, problem: Problem) {
        self.offset = offset
        self.problem = problem
    }

    /// E.g. `at byte 17: unescaped control character 0x0A in a string`.
    public var description: String { "at byte \(offset): \(detail)" }

    /// The problem in words, without the offset.
    public var detail: String {
        switch problem {
        case .unexpectedEnd: "unexpected end of input"
        case .unexpectedByte(let byte, let expected): "unexpected \(Self.describe(byte)), expected \(expected)"
        case .nonFiniteNumber: "NaN and Infinity are not JSON numbers"
        case .invalidNumber: "malformed number"
        case .numberOutOfRange: "number too large"
        case .invalidUTF8: "invalid UTF-8 in a string"
        case .controlCharacter(let byte): "unescaped control character \(Self.hex(byte)) in a string"
        case .invalidEscape: "invalid escape sequence in a string"
        case .unpairedSurrogate: "unpaired UTF-16 surrogate escape in a string"
        case .tooDeep(let limit): "nesting deeper than \(limit) levels"
        case .duplicateKey(let key): "duplicate key \"\(key)\""
        case .trailingData: "unexpected data after the JSON value"
        }
    }

    static func describe(_ byte: UInt8) -> String {
        if byte >= 0x21, byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte \(hex(byte))"
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "0x\(digits[Int(byte >> 4)])\(digits[Int(byte & 0xF)])"
    }
}
