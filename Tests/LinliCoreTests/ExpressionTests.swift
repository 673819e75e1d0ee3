import LinliCore
import Testing

/// A small context standing in for an event: every field optional, as event fields are.
private struct Reading: Sendable, CustomTestStringConvertible {
    var fill: Double?
    var confidence: Double?
    var detected: String?
    var expected: String?
    var state: String?
    var stream: String?
    var battery: Double?
    var temperature: Double?
    var livingAlone: Bool?
    /// Read through the general `ExpressionValue` overload; may hold a value of the wrong type.
    var raw: ExpressionValue = .null

    var testDescription: String {
        let parts: [String?] = [
            fill.map { "fill=\($0)" }, confidence.map { "confidence=\($0)" }, detected.map { "detected=\($0)" },
            expected.map { "expected=\($0)" }, state.map { "state=\($0)" }, stream.map { "stream=\($0)" },
            battery.map { "battery=\($0)" }, temperature.map { "temperature=\($0)" },
            livingAlone.map { "livingAlone=\($0)" }, raw == .null ? nil : "raw=\(raw)",
        ]
        let text = parts.compactMap(\.self).joined(separator: ", ")
        return text.isEmpty ? "all null" : text
    }
}

private let scope: ExpressionScope<Reading> = {
    var scope = ExpressionScope<Reading>()
    scope.define("data.fill_pct", number: { $0.fill })
    scope.define("data.confidence", number: { $0.confidence })
    scope.define("data.detected", string: { $0.detected })
    scope.define("data.expected", string: { $0.expected })
    scope.define("data.state", string: { $0.state })
    scope.define("device.stream", string: { $0.stream })
    scope.define("data.battery_pct", number: { $0.battery })
    scope.define("data.temp_c", number: { $0.temperature })
    scope.define("resident.living_alone", bool: { $0.livingAlone })
    scope.define("data.raw_number", type: .number, read: { $0.raw })
    scope.define("data.raw_flag", type: .bool, read: { $0.raw })
    return scope
}()

/// One row of the evaluation table.
private struct EvaluationCase: Sendable, CustomTestStringConvertible {
    var source: String
    var reading: Reading
    var expected: Bool

    init(_ source: String, _ reading: Reading, _ expected: Bool) {
        self.source = source
        self.reading = reading
        self.expected = expected
    }

    /// A row whose fields are all null.
    init(_ source: String, _ expected: Bool) {
        self.init(source, Reading(), expected)
    }

    var testDescription: String { "\(source) with \(reading.testDescription) → \(expected)" }
}

private let evaluationCases: [EvaluationCase] = [
    // Number comparisons, each operator on both sides of its boundary.
    EvaluationCase("data.fill_pct >= 90", Reading(fill: 92), true),
    EvaluationCase("data.fill_pct >= 90", Reading(fill: 90), true),
    EvaluationCase("data.fill_pct >= 90", Reading(fill: 89.9), false),
    EvaluationCase("data.fill_pct > 90", Reading(fill: 90), false),
    EvaluationCase("data.fill_pct > 90", Reading(fill: 90.5), true),
    EvaluationCase("data.fill_pct < 10", Reading(fill: 9), true),
    EvaluationCase("data.fill_pct < 10", Reading(fill: 10), false),
    EvaluationCase("data.fill_pct <= 10", Reading(fill: 10), true),
    EvaluationCase("data.fill_pct <= 10", Reading(fill: 10.01), false),
    EvaluationCase("data.fill_pct == 92", Reading(fill: 92), true),
    EvaluationCase("data.fill_pct == 92", Reading(fill: 92.000_000_1), false),
    EvaluationCase("data.fill_pct != 92", Reading(fill: 91), true),
    EvaluationCase("data.fill_pct != 92", Reading(fill: 92), false),
    EvaluationCase("90 <= data.fill_pct", Reading(fill: 95), true),
    EvaluationCase("1 == 1.0", true),
    EvaluationCase("1e3 == 1000", true),
    EvaluationCase("0.3 == 0.30", true),
    // Negative literals and unary minus on fields.
    EvaluationCase("data.temp_c < -5", Reading(temperature: -40), true),
    EvaluationCase("data.temp_c < -5", Reading(temperature: -5), false),
    EvaluationCase("-data.temp_c > 30", Reading(temperature: -40), true),
    EvaluationCase("--data.temp_c == -40", Reading(temperature: -40), true),
    EvaluationCase("-(40) == data.temp_c", Reading(temperature: -40), true),
    EvaluationCase("-data.temp_c in [40, 41]", Reading(temperature: -40), true),
    EvaluationCase("-data.temp_c in [-40]", Reading(temperature: -40), false),
    EvaluationCase("data.fill_pct > data.battery_pct", Reading(fill: 50, battery: 20), true),
    EvaluationCase("data.fill_pct > data.battery_pct", Reading(fill: 50), false),
    EvaluationCase("-data.temp_c < data.fill_pct", Reading(fill: 50, temperature: -40), true),
    EvaluationCase("!(1 > 2) && 'a' in ['a', 'b'] && 'c' != 'd'", true),
    // Strings, both quote styles and escapes.
    EvaluationCase(#"data.state == "closed""#, Reading(state: "closed"), true),
    EvaluationCase(#"data.state == "closed""#, Reading(state: "open"), false),
    EvaluationCase("data.state == 'closed'", Reading(state: "closed"), true),
    EvaluationCase("data.state != 'closed'", Reading(state: "open"), true),
    EvaluationCase("data.state != 'closed'", Reading(state: "closed"), false),
    EvaluationCase(#"data.state == 'it\'s "on"'"#, Reading(state: #"it's "on""#), true),
    EvaluationCase(#"data.state == "a\tb\\c\n""#, Reading(state: "a\tb\\c\n"), true),
    EvaluationCase(#"data.state == "\"""#, Reading(state: "\""), true),
    EvaluationCase("data.state == 'café'", Reading(state: "café"), true),
    EvaluationCase("data.detected == data.expected", Reading(detected: "cat", expected: "cat"), true),
    // The brief's examples.
    EvaluationCase(
        "data.confidence >= 0.8 && data.detected != data.expected",
        Reading(confidence: 0.85, detected: "dog", expected: "cat"),
        true
    ),
    EvaluationCase(
        "data.confidence >= 0.8 && data.detected != data.expected",
        Reading(confidence: 0.79, detected: "dog", expected: "cat"),
        false
    ),
    EvaluationCase(
        "data.confidence >= 0.8 && data.detected != data.expected",
        Reading(confidence: 0.9, detected: "cat", expected: "cat"),
        false
    ),
    // in
    EvaluationCase(#"device.stream in ["kitchen", "other"]"#, Reading(stream: "kitchen"), true),
    EvaluationCase(#"device.stream in ["kitchen", "other"]"#, Reading(stream: "other"), true),
    EvaluationCase(#"device.stream in ["kitchen", "other"]"#, Reading(stream: "garden"), false),
    EvaluationCase("data.fill_pct in [90, 95.5, -1,]", Reading(fill: 95.5), true),
    EvaluationCase("data.fill_pct in [90, 95.5, -1]", Reading(fill: -1), true),
    EvaluationCase("data.fill_pct in [90, 95.5]", Reading(fill: 91), false),
    EvaluationCase("!(data.fill_pct in [1, 2])", Reading(fill: 3), true),
    EvaluationCase("resident.living_alone in [true]", Reading(livingAlone: true), true),
    EvaluationCase("resident.living_alone in [true]", Reading(livingAlone: false), false),
    EvaluationCase("resident.living_alone in [false, true]", Reading(livingAlone: false), true),
    // Bool fields and bool equality.
    EvaluationCase("resident.living_alone", Reading(livingAlone: true), true),
    EvaluationCase("resident.living_alone", Reading(livingAlone: false), false),
    EvaluationCase("!resident.living_alone", Reading(livingAlone: false), true),
    EvaluationCase("resident.living_alone == true", Reading(livingAlone: true), true),
    EvaluationCase("resident.living_alone != false", Reading(livingAlone: false), false),
    EvaluationCase("resident.living_alone == (data.fill_pct > 50)", Reading(fill: 10, livingAlone: false), true),
    EvaluationCase("resident.living_alone != (data.fill_pct > 50)", Reading(fill: 10, livingAlone: false), false),
    EvaluationCase("true", true),
    EvaluationCase("false", false),
    EvaluationCase("!false", true),
    // has and null checks.
    EvaluationCase("has(data.battery_pct)", Reading(battery: 0), true),
    EvaluationCase("has(data.battery_pct)", false),
    EvaluationCase("!has(data.battery_pct)", true),
    EvaluationCase("has(resident.living_alone)", Reading(livingAlone: false), true),
    EvaluationCase("has(data.state)", Reading(state: ""), true),
    EvaluationCase("data.battery_pct == null", true),
    EvaluationCase("data.battery_pct == null", Reading(battery: 5), false),
    EvaluationCase("data.battery_pct != null", Reading(battery: 5), true),
    EvaluationCase("null == data.battery_pct", true),
    EvaluationCase("-data.battery_pct == null", true),
    EvaluationCase("data.state == null", true),
    EvaluationCase("resident.living_alone == null", Reading(livingAlone: false), false),
    EvaluationCase("resident.living_alone != null", Reading(livingAlone: false), true),
    EvaluationCase("null == null", true),
    EvaluationCase("null != null", false),
    EvaluationCase("5 == null", false),
    EvaluationCase("5 != null", true),
    // Null makes comparisons unknown; unknown never matches, under ! neither.
    EvaluationCase("data.fill_pct >= 90", false),
    EvaluationCase("data.fill_pct < 90", false),
    EvaluationCase("data.fill_pct != 92", false),
    EvaluationCase("data.state != 'closed'", false),
    EvaluationCase("data.detected != data.expected", Reading(detected: "dog"), false),
    EvaluationCase(#"device.stream in ["kitchen"]"#, false),
    EvaluationCase("!(data.fill_pct in [1, 2])", false),
    EvaluationCase("resident.living_alone", false),
    EvaluationCase("!resident.living_alone", false),
    EvaluationCase("resident.living_alone == false", false),
    EvaluationCase("!(resident.living_alone == true)", false),
    EvaluationCase("!(data.battery_pct >= 15)", Reading(battery: 10), true),
    EvaluationCase("!(data.battery_pct >= 15)", Reading(battery: 20), false),
    EvaluationCase("!(data.battery_pct >= 15)", false),
    EvaluationCase("!!(data.battery_pct >= 15)", false),
    EvaluationCase("data.battery_pct < 15 || !has(data.battery_pct)", true),
    // Three-valued && and ||: a definite side decides.
    EvaluationCase("false && data.battery_pct < 15", false),
    EvaluationCase("!(false && data.battery_pct < 15)", true),
    EvaluationCase("!(data.battery_pct < 15 && false)", true),
    EvaluationCase("!(true && data.battery_pct < 15)", false),
    EvaluationCase("true || data.battery_pct < 15", true),
    EvaluationCase("data.battery_pct < 15 || true", true),
    EvaluationCase("!(data.battery_pct < 15 || true)", false),
    EvaluationCase("!(data.battery_pct < 15 || data.fill_pct > 50)", Reading(fill: 10), false),
    EvaluationCase("!(data.battery_pct < 15 || data.fill_pct > 50)", Reading(fill: 60), false),
    EvaluationCase("!(data.battery_pct < 15 || data.fill_pct > 50)", Reading(fill: 10, battery: 20), true),
    EvaluationCase("!(data.battery_pct < 15 && data.fill_pct > 50)", Reading(fill: 10), true),
    // Precedence: ! over relations over && over ||; relations left to right.
    EvaluationCase("true || false && false", true),
    EvaluationCase("(true || false) && false", false),
    EvaluationCase("false && false || true", true),
    EvaluationCase("false && (false || true)", false),
    EvaluationCase("!true || true", true),
    EvaluationCase("!(true || true)", false),
    EvaluationCase("!false && false", false),
    EvaluationCase("data.fill_pct > 50 == true", Reading(fill: 60), true),
    EvaluationCase("data.fill_pct > 50 == false", Reading(fill: 60), false),
    EvaluationCase(
        "data.fill_pct > 50 && data.state == 'open' || data.temp_c < 0",
        Reading(fill: 10, state: "open", temperature: -1),
        true
    ),
    EvaluationCase(
        "data.fill_pct > 50 && (data.state == 'open' || data.temp_c < 0)",
        Reading(fill: 10, state: "open", temperature: -1),
        false
    ),
    EvaluationCase("data.fill_pct >= 90\n  && data.state == 'closed'", Reading(fill: 95, state: "closed"), true),
    // A field read through ExpressionValue: a value of another type reads as null.
    EvaluationCase("data.raw_number == 3", Reading(raw: .number(3)), true),
    EvaluationCase("data.raw_number == null", Reading(raw: .string("3")), true),
    EvaluationCase("data.raw_flag", Reading(raw: .bool(true)), true),
    EvaluationCase("has(data.raw_flag)", Reading(raw: .number(1)), false),
]

/// One row of the compile-error table.
private struct ErrorCase: Sendable, CustomTestStringConvertible {
    var source: String
    var offset: Int
    var fragment: String

    init(_ source: String, _ offset: Int, _ fragment: String) {
        self.source = source
        self.offset = offset
        self.fragment = fragment
    }

    var testDescription: String {
        let shown = source.count > 60 ? String(source.prefix(60)) + "…" : source
        return "\(shown.debugDescription) → @\(offset) \(fragment)"
    }
}

private let errorCases: [ErrorCase] = [
    ErrorCase("", 0, "empty expression"),
    ErrorCase("   ", 0, "empty expression"),
    ErrorCase("data.fill >= 90", 0, "unknown field 'data.fill' (did you mean data.fill_pct?)"),
    ErrorCase("data.fill_pct >= 90 && data.stat == 'x'", 23, "unknown field 'data.stat' (did you mean data.state?)"),
    ErrorCase("fill_pct > 1", 0, "did you mean data.fill_pct?"),
    ErrorCase(#"data.fill_pct == "full""#, 17, #"cannot compare number with string: expected a number after '==', found string '"full"'"#),
    ErrorCase("data.state != 3", 14, "cannot compare string with number"),
    ErrorCase("resident.living_alone == 1", 25, "cannot compare bool with number"),
    ErrorCase(#"data.state < "m""#, 0, "'<' compares numbers only: expected a number, found string 'data.state'"),
    ErrorCase(#"data.fill_pct >= "m""#, 17, "'>=' compares numbers only"),
    ErrorCase("data.fill_pct <= true", 17, "found bool 'true'"),
    ErrorCase("data.fill_pct < null", 16, "'<' compares numbers only: expected a number, found null"),
    ErrorCase("data.fill_pct", 0, "expected a bool condition, found number 'data.fill_pct'"),
    ErrorCase("'x'", 0, "expected a bool condition, found string"),
    ErrorCase("null", 0, "expected a bool condition, found null"),
    ErrorCase("data.fill_pct && true", 0, "'&&' needs bool operands: expected bool, found number"),
    ErrorCase("true || 'x'", 8, "'||' needs bool operands: expected bool, found string"),
    ErrorCase("!data.fill_pct > 5", 1, "'!' needs a bool operand: expected bool, found number 'data.fill_pct'"),
    ErrorCase("-data.state == 'x'", 1, "'-' needs a number operand: expected number, found string"),
    ErrorCase(#"device.stream in ["kitchen", 3]"#, 29, "expected string elements in the list"),
    ErrorCase(#"data.fill_pct in [1, "2"]"#, 21, "expected number elements in the list"),
    ErrorCase(#"device.stream in "kitchen""#, 17, "expected a list after 'in', found string"),
    ErrorCase("device.stream in []", 17, "empty list after 'in'"),
    ErrorCase("data.fill_pct in [data.battery_pct]", 18, "list elements must be literal values"),
    ErrorCase("null in [1]", 0, "found null"),
    ErrorCase("[1, 2] == data.fill_pct", 0, "a list may only appear after 'in'"),
    ErrorCase("has(5)", 4, "has() expects a field name"),
    ErrorCase("has(data.nope)", 4, "unknown field 'data.nope'"),
    ErrorCase("size(data.state) > 3", 0, "unknown function 'size'"),
    ErrorCase("(data.fill_pct > 5) == null", 0, "null can only be compared with a field"),
    ErrorCase("data.state == 'closed", 14, "unterminated string"),
    ErrorCase("data.state == \"closed\n\"", 14, "unterminated string"),
    ErrorCase(#"data.state == "a\qb""#, 16, #"unknown escape '\q'"#),
    ErrorCase("(data.fill_pct > 5", 18, "missing ')' to close the '(' at column 1"),
    ErrorCase("has(data.fill_pct", 17, "missing ')'"),
    ErrorCase("data.fill_pct in [1, 2", 22, "missing ']'"),
    ErrorCase("data.fill_pct > 5)", 17, "unexpected ')' after the end of the expression"),
    ErrorCase("data.fill_pct > 5 data.state", 18, "unexpected 'data.state' after the end of the expression"),
    ErrorCase("data.fill_pct > 5 and true", 18, "did you mean '&&'?"),
    ErrorCase("data.fill_pct = 5", 14, "unexpected '=' (did you mean '=='?)"),
    ErrorCase("data.fill_pct > 5 & true", 18, "did you mean '&&'?"),
    ErrorCase("data.fill_pct > 5 | true", 18, "did you mean '||'?"),
    ErrorCase("data.fill_pct >", 15, "expected an expression, found end of input"),
    ErrorCase("data.fill_pct > )", 16, "expected an expression, found ')'"),
    ErrorCase("data. fill", 5, "expected a field name after '.'"),
    ErrorCase("data.fill_pct > 5 # comment", 18, "unexpected character '#'"),
    ErrorCase("data.state == ’x’", 14, "unexpected character '’'"),
    ErrorCase(
        String(repeating: "(", count: 100_000) + "true" + String(repeating: ")", count: 100_000),
        200,
        "nested too deeply"
    ),
    ErrorCase(String(repeating: "!", count: 100_000) + "true", 200, "nested too deeply"),
    ErrorCase(String(repeating: "has(", count: 100_000), 800, "nested too deeply"),
    ErrorCase(Array(repeating: "true", count: 300).joined(separator: " && "), 0, "nested too deeply"),
]

@Suite("Condition")
struct ExpressionTests {
    @Test("evaluates each operator, precedence rule and null case as the language defines", arguments: evaluationCases)
    fileprivate func evaluates(_ row: EvaluationCase) throws {
        let condition = try Condition(compiling: row.source, scope: scope)
        #expect(condition.evaluate(row.reading) == row.expected)
        var reading = row.reading
        #expect(condition.evaluate(&reading) == row.expected)
    }

    @Test("reports compile errors at the offending offset with what was expected and found", arguments: errorCases)
    fileprivate func rejects(_ row: ErrorCase) throws {
        let error = try #require(throws: ExpressionError.self) { try Condition(compiling: row.source, scope: scope) }
        #expect(error.offset == row.offset)
        #expect(error.message.contains(row.fragment), "message: \(error.message)")
    }

    @Test("an unknown name with nothing near it gets no suggestion")
    func unknownNameWithoutSuggestion() throws {
        let error = try #require(throws: ExpressionError.self) { try Condition(compiling: "zzz > 1", scope: scope) }
        #expect(error.message == "unknown field 'zzz'")
    }

    @Test("an unknown name lists up to three near names, nearest first")
    func severalSuggestions() throws {
        var scope = ExpressionScope<Reading>()
        for name in ["data.level", "data.levels", "data.lever", "data.levee", "data.other"] {
            scope.define(name, number: { _ in nil })
        }
        let error = try #require(throws: ExpressionError.self) {
            try Condition(compiling: "data.leve > 1", scope: scope)
        }
        #expect(error.message == "unknown field 'data.leve' (did you mean data.levee, data.level or data.lever?)")
    }

    @Test("positions count lines and Unicode-scalar columns within the expression")
    func linesAndColumns() throws {
        let multiline = try #require(throws: ExpressionError.self) {
            try Condition(compiling: "data.fill_pct > 5 &&\n  data.stat == 'x'", scope: scope)
        }
        #expect(multiline.offset == 23)
        #expect(multiline.line == 2)
        #expect(multiline.column == 3)
        #expect(multiline.description.hasPrefix("2:3: unknown field 'data.stat'"))

        let unicode = try #require(throws: ExpressionError.self) {
            try Condition(compiling: "data.state == 'é' && data.fill_pct > 'x'", scope: scope)
        }
        #expect(unicode.offset == 38)
        #expect(unicode.line == 1)
        #expect(unicode.column == 38)
    }

    @Test("a missing ')' names the line and column of its '(' when they are on different lines")
    func missingParenthesisAcrossLines() throws {
        let error = try #require(throws: ExpressionError.self) {
            try Condition(compiling: "true &&\n  (data.fill_pct > 5\n", scope: scope)
        }
        #expect(error.offset == 28)
        #expect(error.line == 2)
        #expect(error.column == 21)
        #expect(error.message.contains("the '(' at line 2, column 3"))
    }

    @Test("records the source and the fields it reads, in order of first use")
    func sourceAndFields() throws {
        let source = "data.fill_pct >= 90 && device.stream in ['a'] || data.fill_pct < 0 && has(data.battery_pct)"
        let condition = try Condition(compiling: source, scope: scope)
        #expect(condition.source == source)
        #expect(condition.description == source)
        #expect(condition.fields == ["data.fill_pct", "device.stream", "data.battery_pct"])
    }

    @Test("one compiled condition evaluates many contexts independently")
    func reusable() throws {
        let condition = try Condition(compiling: "data.fill_pct >= 90 || data.state == 'jammed'", scope: scope)
        let readings = (0..<200).map { Reading(fill: Double($0), state: $0 % 7 == 0 ? "jammed" : "ok") }
        let matched = readings.filter(condition.evaluate).count
        #expect(matched == readings.filter { $0.fill! >= 90 || $0.state == "jammed" }.count)
        #expect(matched == 110 + 13)
    }

    @Test("a scope reports its names and their types; redefining a name replaces it")
    func scopeNames() throws {
        var scope = ExpressionScope<Reading>()
        scope.define("b.x", number: { $0.fill })
        scope.define("a", string: { $0.state })
        #expect(scope.names == ["a", "b.x"])
        #expect(scope.type(of: "b.x") == .number)
        #expect(scope.type(of: "c") == nil)
        scope.define("b.x", bool: { $0.livingAlone })
        #expect(scope.type(of: "b.x") == .bool)
        let condition = try Condition(compiling: "b.x", scope: scope)
        #expect(condition.evaluate(Reading(livingAlone: true)))
    }
}
