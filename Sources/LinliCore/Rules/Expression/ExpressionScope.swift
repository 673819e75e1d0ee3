/// The fields an expression may use, each a dotted name with a type and a read closure, resolved at compile time.
///
/// Compiling a ``Condition`` or ``Template`` looks every name up here once; the compiled program holds the
/// read closures directly, so evaluation never looks a name up. The scope knows nothing of what a context
/// is: the caller supplies `Context` and the closures that read it.
///
/// ```swift
/// var scope = ExpressionScope<Reading>()
/// scope.define("data.fill_pct", number: { $0.fillPercent })
/// scope.define("device.stream", string: { $0.stream })
/// let full = try Condition(compiling: "data.fill_pct >= 90", scope: scope)
/// ```
///
/// - Important: Names are dotted identifiers (`data.fill_pct`: segments of ASCII letters, digits and `_`,
///   not starting with a digit). Defining a name twice replaces the earlier definition.
public struct ExpressionScope<Context>: Sendable {
    /// The readers by name.
    private var readers: [String: ExpressionFieldReader<Context>] = [:]

    /// Creates an empty scope.
    public init() {}

    /// The defined names, sorted.
    public var names: [String] { readers.keys.sorted() }

    /// The type of a defined name, or `nil` when the name is not defined.
    public func type(of name: String) -> ExpressionType? { readers[name]?.type }

    /// Defines a field read as an ``ExpressionValue``.
    ///
    /// A read that returns ``ExpressionValue/null`` or a value of another type than `type` is null.
    /// Prefer the typed overloads on hot paths: they skip the enum.
    /// - Parameters:
    ///   - name: The dotted name expressions use, e.g. `data.fill_pct`.
    ///   - type: The field's static type.
    ///   - read: Reads the field from a context.
    public mutating func define(
        _ name: String,
        type: ExpressionType,
        read: @escaping @Sendable (Context) -> ExpressionValue
    ) {
        switch type {
        case .number:
            define(
                name,
                number: { context in
                    if case .number(let value) = read(context) { value } else { nil }
                }
            )
        case .string:
            define(
                name,
                string: { context in
                    if case .string(let value) = read(context) { value } else { nil }
                }
            )
        case .bool:
            define(
                name,
                bool: { context in
                    if case .bool(let value) = read(context) { value } else { nil }
                }
            )
        }
    }

    /// Defines a number field; the closure returns `nil` for null.
    /// - Parameters:
    ///   - name: The dotted name expressions use.
    ///   - read: Reads the field from a context.
    public mutating func define(_ name: String, number read: @escaping @Sendable (Context) -> Double?) {
        insert(name, .number(read))
    }

    /// Defines a string field; the closure returns `nil` for null.
    /// - Parameters:
    ///   - name: The dotted name expressions use.
    ///   - read: Reads the field from a context.
    public mutating func define(_ name: String, string read: @escaping @Sendable (Context) -> String?) {
        insert(name, .string(read))
    }

    /// Defines a bool field; the closure returns `nil` for null.
    /// - Parameters:
    ///   - name: The dotted name expressions use.
    ///   - read: Reads the field from a context.
    public mutating func define(_ name: String, bool read: @escaping @Sendable (Context) -> Bool?) {
        insert(name, .bool(read))
    }

    /// The reader of a defined name.
    func reader(for name: String) -> ExpressionFieldReader<Context>? { readers[name] }

    /// Up to three defined names close to an unknown one, nearest first, for "did you mean" hints.
    ///
    /// Close means: within a small edit distance (ignoring case), or one name extends the other
    /// (`data.fill` → `data.fill_pct`), or the unknown name is a defined name's last segments (`fill_pct`).
    func names(near name: String) -> [String] {
        let wanted = Array(name.lowercased().utf8)
        let limit = max(1, min(3, wanted.count / 3))
        var candidates: [(distance: Int, name: String)] = []
        for candidate in readers.keys {
            let lowered = candidate.lowercased()
            let distance = Self.editDistance(wanted, Array(lowered.utf8))
            let related =
                lowered.hasPrefix(name.lowercased()) || name.lowercased().hasPrefix(lowered + ".")
                || lowered.hasSuffix("." + name.lowercased())
            if distance <= limit || related {
                candidates.append((distance, candidate))
            }
        }
        candidates.sort { ($0.distance, $0.name) < ($1.distance, $1.name) }
        return candidates.prefix(3).map(\.name)
    }

    private mutating func insert(_ name: String, _ reader: ExpressionFieldReader<Context>) {
        precondition(Self.isValidName(name), "'\(name)' is not a dotted identifier such as data.fill_pct")
        readers[name] = reader
    }

    /// Whether `name` is a dotted identifier the lexer reads as one field name.
    static func isValidName(_ name: String) -> Bool {
        let segments = name.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return segments.allSatisfy { segment in
            guard let first = segment.first, ExpressionLexer.isIdentifierStart(first) else { return false }
            return segment.allSatisfy(ExpressionLexer.isIdentifierPart)
        }
    }

    /// Levenshtein distance between two byte strings.
    private static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
