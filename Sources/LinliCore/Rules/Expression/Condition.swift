/// A rule condition, compiled once from CEL-style text and then evaluated per context without parsing,
/// name look-ups or allocation.
///
/// ```swift
/// var scope = ExpressionScope<Reading>()
/// scope.define("data.fill_pct", number: { $0.fillPercent })
/// scope.define("device.stream", string: { $0.stream })
/// let condition = try Condition(compiling: #"data.fill_pct >= 90 && device.stream in ["kitchen", "other"]"#,
///                               scope: scope)
/// if condition.evaluate(reading) { … }
/// ```
///
/// ## Language
///
/// A subset of [CEL](https://github.com/google/cel-spec/blob/master/doc/langdef.md) with the same syntax and
/// precedence:
///
/// ```text
/// Expression = Or ;
/// Or         = And { "||" And } ;
/// And        = Relation { "&&" Relation } ;
/// Relation   = Unary { ("==" | "!=" | "<" | "<=" | ">" | ">=" | "in") Unary } ;   (one level, left to right)
/// Unary      = "!" Unary | "-" Unary | Primary ;
/// Primary    = Number | String | "true" | "false" | "null" | Field
///            | "has" "(" Field ")" | "(" Expression ")" | "[" [ Expression { "," Expression } [","] ] "]" ;
/// Number     = Digit { Digit } [ "." Digit { Digit } ] [ ("e" | "E") ["+" | "-"] Digit { Digit } ] ;
/// String     = '"' { Char | Escape } '"' | "'" { Char | Escape } "'" ;      (one line; escapes \" \' \\ \n \t)
/// Field      = Name { "." Name } ;                                            (no spaces around ".")
/// Name       = (Letter | "_") { Letter | Digit | "_" } ;
/// ```
///
/// Spaces, tabs and newlines may separate tokens. A dotted field such as `data.fill_pct` is one name, looked
/// up in the ``ExpressionScope`` at compile time; `-40` is a literal.
///
/// ## Types (checked at compile time)
///
/// - Every expression is a `number` (a `Double`), `string` or `bool`; fields have the type their scope gives.
/// - `==` and `!=` compare two values of the same type; comparing a number with a string is an error.
/// - `<`, `<=`, `>`, `>=` compare numbers only (not strings).
/// - `&&`, `||` and `!` take bools; unary `-` takes a number; the whole condition must be a bool.
/// - `x in [a, b, …]` takes a non-empty list of literals of `x`'s type; a list may appear nowhere else.
/// - `has(field)` takes a field name. `null` may only be compared with `==`/`!=` to a field (`x == null` is
///   `!has(x)`).
///
/// ## Null (run time; evaluation never fails)
///
/// Any field may be null (absent) at run time. A comparison or `in` with a null operand, and a null bool
/// field, is *unknown*. `&&`, `||` and `!` use three-valued logic, as CEL treats missing values:
/// `false && unknown` is false, `true || unknown` is true, `!unknown` is unknown, anything else with
/// unknown is unknown. ``evaluate(_:)`` returns true only when the condition is definitely true; unknown is
/// false. So a rule does not fire on missing data: with `data.battery_pct` absent, both
/// `data.battery_pct < 15` and `!(data.battery_pct >= 15)` are false. `has(x)`, `x == null` and `x != null`
/// are never unknown. Number equality is exact `Double` equality.
public struct Condition<Context>: Sendable, CustomStringConvertible {
    /// The source text the condition was compiled from.
    public let source: String
    /// The fields the condition reads, in order of first use.
    public let fields: [String]
    /// The compiled program.
    private let program: ExpressionProgram<Context>
    /// For fields the condition requires to equal one of a few string literals (a top-level `&&` term
    /// `field == "a"` or `field in ["a", "b"]`): those literals.
    private let requirements: [String: Set<String>]

    /// Parses, type-checks and compiles a condition.
    /// - Parameters:
    ///   - source: The condition text, e.g. `data.fill_pct >= 90`.
    ///   - scope: The fields the condition may use.
    /// - Throws: ``ExpressionError`` with the position in `source` and what was expected and found.
    public init(compiling source: String, scope: ExpressionScope<Context>) throws(ExpressionError) {
        let bytes = Array(source.utf8)
        let syntax = try ExpressionParser.parse(bytes, range: 0..<bytes.count)
        var compiler = ExpressionCompiler(scope: scope, source: bytes)
        let formula = try compiler.condition(syntax)
        self.source = source
        self.fields = compiler.fields
        self.program = ExpressionProgram(formula)
        var requirements: [String: Set<String>] = [:]
        Self.collectRequirements(syntax, into: &requirements)
        self.requirements = requirements
    }

    /// The string values `field` must have for the condition to hold, when the condition requires it to be one
    /// of a few literals (`site == "a" && …`, `site in ["a", "b"] && …`); `nil` when it can hold with any value.
    ///
    /// Lets an index skip a condition for contexts it can never accept (rules scoped to other sites).
    public func requiredValues(of field: String) -> Set<String>? {
        requirements[field]
    }

    /// Notes the `field == "literal"` and `field in [literals]` terms of the top-level conjunction.
    private static func collectRequirements(_ syntax: ExpressionSyntax, into requirements: inout [String: Set<String>]) {
        func require(_ field: String, _ values: Set<String>) {
            requirements[field] = requirements[field].map { $0.intersection(values) } ?? values
        }
        guard case .binary(let op, let left, let right) = syntax.kind else { return }
        switch (op, left.kind, right.kind) {
        case (.and, _, _):
            collectRequirements(left, into: &requirements)
            collectRequirements(right, into: &requirements)
        case (.equal, .field(let field), .string(let value)), (.equal, .string(let value), .field(let field)):
            require(field, [value])
        case (.in, .field(let field), .list(let items)):
            var values = Set<String>()
            for item in items {
                guard case .string(let value) = item.kind else { return }
                values.insert(value)
            }
            require(field, values)
        default:
            return
        }
    }

    /// Whether the condition is definitely true for a context; unknown (null) is false.
    ///
    /// Copies `context` once (the compiled closures read it by address); for a struct with many strings that
    /// copy costs more than the evaluation. On the hot path prefer ``evaluate(_:)-(inout Context)``.
    public func evaluate(_ context: Context) -> Bool {
        var context = context
        return program.run(&context)
    }

    /// Whether the condition is definitely true for a context, reading it in place without copying it.
    ///
    /// Same result as ``evaluate(_:)-(Context)``; `inout` only passes the context by address, it is never
    /// modified. Build one context per event and evaluate every rule against it:
    /// ```swift
    /// var context = RuleContext(event: event, registry: registry)
    /// for rule in rules where rule.condition.evaluate(&context) { … }
    /// ```
    public func evaluate(_ context: inout Context) -> Bool {
        program.run(&context)
    }

    /// The source text.
    public var description: String { source }
}
