/// A text template with `{{ expression }}` holes, such as a ticket title, compiled once and rendered per context.
///
/// ```swift
/// let title = try Template(compiling: "Bin {{device.id}} at {{device.location}} is {{data.fill_pct}}% full",
///                          scope: scope)
/// title.render(reading)   // "Bin B-12 at Block 3 is 92% full"
/// ```
///
/// - A hole holds any expression of the ``Condition`` language (usually a field) whose type is number,
///   string or bool. Spaces inside the braces are ignored.
/// - Numbers render without a trailing `.0` when integral (`92`, `-40`), otherwise in the shortest form that
///   reads back exactly (`0.85`); bools render `true`/`false`; strings render as they are.
/// - Null (an absent field, or a bool hole whose value is unknown) renders as `nullText`, `-` by default,
///   so that a missing value stays visible to whoever reads the ticket.
/// - A hole ends at the first `}}` outside a string literal. Text outside holes is copied verbatim, `}}`
///   included. There is no escape syntax: write a literal `{{` as a hole holding a string, `{{ "{{" }}`.
/// - An unterminated `{{` is an error at the offset of the `{{`.
public struct Template<Context>: Sendable, CustomStringConvertible {
    /// One piece of the output.
    private enum Segment: Sendable {
        case text(String)
        case number(ExpressionNumberOperand<Context>)
        case string(ExpressionStringOperand<Context>)
        /// A bool hole: true when `isTrue` holds, false when `isFalse` holds, null when neither (unknown).
        case bool(isTrue: ExpressionProgram<Context>, isFalse: ExpressionProgram<Context>)
    }

    /// The source text the template was compiled from.
    public let source: String
    /// The fields the template reads, in order of first use.
    public let fields: [String]
    /// What a null value renders as.
    public let nullText: String
    /// The pieces in order.
    private let segments: [Segment]
    /// A capacity hint for the output: the literal text's length plus some room per hole.
    private let estimatedLength: Int

    /// Parses, type-checks and compiles a template.
    /// - Parameters:
    ///   - source: The template text, e.g. `Bin {{device.id}} is {{data.fill_pct}}% full`.
    ///   - scope: The fields the holes may use.
    ///   - nullText: What a null value renders as; `-` by default.
    /// - Throws: ``ExpressionError`` with the position in `source` (not in the hole) of the first problem.
    public init(
        compiling source: String,
        scope: ExpressionScope<Context>,
        nullText: String = "-"
    ) throws(ExpressionError) {
        let bytes = Array(source.utf8)
        var compiler = ExpressionCompiler(scope: scope, source: bytes)
        var segments: [Segment] = []
        var estimatedLength = 0
        var textStart = 0
        var index = 0
        func appendText(upTo end: Int) {
            guard end > textStart else { return }
            segments.append(.text(String(decoding: bytes[textStart..<end], as: UTF8.self)))
            estimatedLength += end - textStart
        }
        while index < bytes.count {
            guard Self.isBraces(bytes, at: index, UInt8(ascii: "{")) else {
                index += 1
                continue
            }
            appendText(upTo: index)
            let holeEnd = try Self.endOfHole(bytes, openedAt: index)
            let syntax = try ExpressionParser.parse(bytes, range: (index + 2)..<holeEnd)
            switch try compiler.lower(syntax) {
            case .number(let operand): segments.append(.number(operand))
            case .string(let operand): segments.append(.string(operand))
            case .bool(let formula):
                segments.append(
                    .bool(isTrue: ExpressionProgram(formula), isFalse: ExpressionProgram(formula.negated))
                )
            case .null:
                segments.append(.text(nullText))
            }
            estimatedLength += 16
            index = holeEnd + 2
            textStart = index
        }
        appendText(upTo: bytes.count)
        self.source = source
        self.fields = compiler.fields
        self.nullText = nullText
        self.segments = segments
        self.estimatedLength = estimatedLength
    }

    /// Renders the template for a context.
    public func render(_ context: Context) -> String {
        var context = context
        return render(&context)
    }

    /// Renders the template for a context, reading it in place without copying it.
    ///
    /// Same result as ``render(_:)-(Context)``; `inout` only passes the context by address, it is never
    /// modified (see ``Condition/evaluate(_:)-(inout Context)``).
    public func render(_ context: inout Context) -> String {
        var output = ""
        output.reserveCapacity(estimatedLength)
        for segment in segments {
            switch segment {
            case .text(let text):
                output += text
            case .number(let operand):
                if let value = operand.value(context) {
                    output += ExpressionValue.text(for: value)
                } else {
                    output += nullText
                }
            case .string(let operand):
                output += operand.value(context) ?? nullText
            case .bool(let isTrue, let isFalse):
                output += isTrue.run(&context) ? "true" : isFalse.run(&context) ? "false" : nullText
            }
        }
        return output
    }

    /// The source text.
    public var description: String { source }

    private static func isBraces(_ bytes: [UInt8], at index: Int, _ brace: UInt8) -> Bool {
        index + 1 < bytes.count && bytes[index] == brace && bytes[index + 1] == brace
    }

    /// The offset of the `}}` closing the hole opened at `start`, skipping string literals.
    private static func endOfHole(_ bytes: [UInt8], openedAt start: Int) throws(ExpressionError) -> Int {
        var index = start + 2
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                let quoteOffset = index
                index += 1
                while true {
                    guard index < bytes.count, bytes[index] != UInt8(ascii: "\n") else {
                        throw ExpressionError(
                            offset: quoteOffset,
                            in: bytes,
                            message: "unterminated string: missing closing \(byte == UInt8(ascii: "'") ? "'" : "\"")"
                        )
                    }
                    if bytes[index] == byte { break }
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
            } else if isBraces(bytes, at: index, UInt8(ascii: "}")) {
                return index
            }
            index += 1
        }
        throw ExpressionError(offset: start, in: bytes, message: "unterminated '{{': missing '}}'")
    }
}
