/// Splits expression source text into ``ExpressionToken``s, reporting bad characters and strings precisely.
///
/// Works on the UTF-8 bytes of the whole source text within a range, so a template hole is lexed in place and
/// every offset is an offset in the whole text.
struct ExpressionLexer {
    /// The whole source text.
    let source: [UInt8]
    /// Where lexing stops (exclusive).
    let limit: Int
    /// The next byte to read.
    private(set) var position: Int

    /// Creates a lexer over `source[range]`.
    init(source: [UInt8], range: Range<Int>) {
        self.source = source
        self.limit = range.upperBound
        self.position = range.lowerBound
    }

    /// Reads the next token, or `.end` at the end of the range.
    mutating func next() throws(ExpressionError) -> ExpressionToken {
        let afterLastToken = position
        skipWhitespace()
        let start = position
        // The end is reported right after the last token, where a missing ')' or operand belongs.
        guard position < limit else { return ExpressionToken(kind: .end, offset: afterLastToken, end: afterLastToken) }
        let byte = source[position]
        let kind: ExpressionToken.Kind
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            kind = .number(readNumber())
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            kind = .string(try readString())
        case _ where Self.isIdentifierStart(byte):
            kind = try readIdentifier()
        case UInt8(ascii: "("): kind = single(.leftParenthesis)
        case UInt8(ascii: ")"): kind = single(.rightParenthesis)
        case UInt8(ascii: "["): kind = single(.leftBracket)
        case UInt8(ascii: "]"): kind = single(.rightBracket)
        case UInt8(ascii: ","): kind = single(.comma)
        case UInt8(ascii: "-"): kind = single(.minus)
        case UInt8(ascii: "!"): kind = pair(UInt8(ascii: "="), .notEqual, else: .not)
        case UInt8(ascii: "<"): kind = pair(UInt8(ascii: "="), .lessOrEqual, else: .less)
        case UInt8(ascii: ">"): kind = pair(UInt8(ascii: "="), .greaterOrEqual, else: .greater)
        case UInt8(ascii: "="): kind = try required(UInt8(ascii: "="), .equal, hint: "'=='")
        case UInt8(ascii: "&"): kind = try required(UInt8(ascii: "&"), .and, hint: "'&&'")
        case UInt8(ascii: "|"): kind = try required(UInt8(ascii: "|"), .or, hint: "'||'")
        default:
            throw error(at: start, "unexpected character '\(characterText(at: start))'")
        }
        return ExpressionToken(kind: kind, offset: start, end: position)
    }

    /// Whether a byte may start an identifier segment.
    static func isIdentifierStart(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"): true
        default: false
        }
    }

    /// Whether a byte may continue an identifier segment.
    static func isIdentifierPart(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private mutating func skipWhitespace() {
        while position < limit {
            switch source[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): position += 1
            default: return
            }
        }
    }

    private func peek(_ offset: Int = 0) -> UInt8? {
        position + offset < limit ? source[position + offset] : nil
    }

    private static func isDigit(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        return (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private mutating func single(_ kind: ExpressionToken.Kind) -> ExpressionToken.Kind {
        position += 1
        return kind
    }

    private mutating func pair(
        _ second: UInt8,
        _ kind: ExpressionToken.Kind,
        else alone: ExpressionToken.Kind
    ) -> ExpressionToken.Kind {
        if peek(1) == second {
            position += 2
            return kind
        }
        position += 1
        return alone
    }

    private mutating func required(
        _ second: UInt8,
        _ kind: ExpressionToken.Kind,
        hint: String
    ) throws(ExpressionError) -> ExpressionToken.Kind {
        guard peek(1) == second else {
            throw error(at: position, "unexpected '\(characterText(at: position))' (did you mean \(hint)?)")
        }
        position += 2
        return kind
    }

    /// Reads `digits [. digits] [e [+-] digits]`.
    private mutating func readNumber() -> Double {
        let start = position
        while Self.isDigit(peek()) { position += 1 }
        if peek() == UInt8(ascii: "."), Self.isDigit(peek(1)) {
            position += 1
            while Self.isDigit(peek()) { position += 1 }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            var length = 1
            if peek(1) == UInt8(ascii: "+") || peek(1) == UInt8(ascii: "-") { length = 2 }
            if Self.isDigit(peek(length)) {
                position += length
                while Self.isDigit(peek()) { position += 1 }
            }
        }
        let text = String(decoding: source[start..<position], as: UTF8.self)
        // Only digits, '.', 'e' and signs were consumed, so this always parses.
        return Double(text) ?? 0
    }

    /// Reads a quoted string with escapes `\" \' \\ \n \t`; a string may not span lines.
    private mutating func readString() throws(ExpressionError) -> String {
        let quoteOffset = position
        let quote = source[position]
        position += 1
        var bytes: [UInt8] = []
        while true {
            guard let byte = peek(), byte != UInt8(ascii: "\n") else {
                throw error(at: quoteOffset, "unterminated string: missing closing \(quote == UInt8(ascii: "'") ? "'" : "\"")")
            }
            position += 1
            if byte == quote { break }
            guard byte == UInt8(ascii: "\\") else {
                bytes.append(byte)
                continue
            }
            switch peek() {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
            case UInt8(ascii: "'"): bytes.append(UInt8(ascii: "'"))
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "n"): bytes.append(UInt8(ascii: "\n"))
            case UInt8(ascii: "t"): bytes.append(UInt8(ascii: "\t"))
            case nil, UInt8(ascii: "\n"):
                throw error(at: quoteOffset, "unterminated string: missing closing \(quote == UInt8(ascii: "'") ? "'" : "\"")")
            default:
                throw error(
                    at: position - 1,
                    "unknown escape '\\\(characterText(at: position))' in string (use \\\" \\' \\\\ \\n or \\t)"
                )
            }
            position += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads a keyword or a dotted identifier: segments joined by '.' with no spaces.
    private mutating func readIdentifier() throws(ExpressionError) -> ExpressionToken.Kind {
        let start = position
        while true {
            while let byte = peek(), Self.isIdentifierPart(byte) { position += 1 }
            guard peek() == UInt8(ascii: ".") else { break }
            guard let next = peek(1), Self.isIdentifierStart(next) else {
                throw error(at: position + 1, "expected a field name after '.'")
            }
            position += 1
        }
        let text = String(decoding: source[start..<position], as: UTF8.self)
        switch text {
        case "true": return .trueKeyword
        case "false": return .falseKeyword
        case "null": return .nullKeyword
        case "in": return .inKeyword
        default: return .identifier(text)
        }
    }

    /// The whole character (Unicode scalar) starting at a byte offset, for messages.
    private func characterText(at offset: Int) -> String {
        guard offset < limit else { return "" }
        var end = offset + 1
        while end < limit, source[end] & 0b1100_0000 == 0b1000_0000 { end += 1 }
        return String(decoding: source[offset..<end], as: UTF8.self)
    }

    private func error(at offset: Int, _ message: String) -> ExpressionError {
        ExpressionError(offset: offset, in: source, message: message)
    }
}
