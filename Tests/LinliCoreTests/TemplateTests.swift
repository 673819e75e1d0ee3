import LinliCore
import Testing

/// A small context standing in for an event.
private struct Bin: Sendable {
    var id: String? = "B-12"
    var location: String? = "Block 3"
    var fill: Double? = 92
    var temperature: Double?
    var jammed: Bool?
}

private let scope: ExpressionScope<Bin> = {
    var scope = ExpressionScope<Bin>()
    scope.define("device.id", string: { $0.id })
    scope.define("device.location", string: { $0.location })
    scope.define("data.fill_pct", number: { $0.fill })
    scope.define("data.temp_c", number: { $0.temperature })
    scope.define("data.jammed", bool: { $0.jammed })
    return scope
}()

/// One row of the rendering table.
private struct RenderCase: Sendable, CustomTestStringConvertible {
    var source: String
    var bin: Bin
    var expected: String

    init(_ source: String, _ bin: Bin = Bin(), _ expected: String) {
        self.source = source
        self.bin = bin
        self.expected = expected
    }

    var testDescription: String { "\(source.debugDescription) → \(expected.debugDescription)" }
}

private let renderCases: [RenderCase] = [
    RenderCase("Bin {{device.id}} at {{device.location}} is {{data.fill_pct}}% full", Bin(), "Bin B-12 at Block 3 is 92% full"),
    RenderCase("{{ data.fill_pct }}", Bin(fill: 0.85), "0.85"),
    RenderCase("{{data.fill_pct}}", Bin(fill: 2.5), "2.5"),
    RenderCase("{{data.fill_pct}}", Bin(fill: 0), "0"),
    RenderCase("{{data.fill_pct}}", Bin(fill: -0.0), "0"),
    RenderCase("{{data.fill_pct}}", Bin(fill: 1e20), "1e+20"),
    RenderCase("{{data.fill_pct}}", Bin(fill: 123_456_789), "123456789"),
    RenderCase("{{data.temp_c}}°C", Bin(temperature: -40), "-40°C"),
    RenderCase("{{ -data.temp_c }}", Bin(temperature: -40.5), "40.5"),
    RenderCase("{{ 90 }}/{{ 'text' }}/{{ true }}", Bin(), "90/text/true"),
    RenderCase("Bin {{device.id}} at {{device.location}}", Bin(location: nil), "Bin B-12 at -"),
    RenderCase("{{data.temp_c}}", Bin(), "-"),
    RenderCase("{{ null }}", Bin(), "-"),
    RenderCase("{{data.jammed}}", Bin(jammed: true), "true"),
    RenderCase("{{data.jammed}}", Bin(jammed: false), "false"),
    RenderCase("{{data.jammed}}", Bin(), "-"),
    RenderCase("{{data.fill_pct >= 90}}", Bin(fill: 95), "true"),
    RenderCase("{{data.fill_pct >= 90}}", Bin(fill: 5), "false"),
    RenderCase("{{data.fill_pct >= 90}}", Bin(fill: nil), "-"),
    RenderCase("{{!(data.fill_pct >= 90) || data.jammed}}", Bin(fill: 95, jammed: nil), "-"),
    RenderCase("{{has(data.temp_c)}}", Bin(), "false"),
    RenderCase("{{device.id}}{{device.id}}", Bin(), "B-12B-12"),
    RenderCase("plain text, no holes", Bin(), "plain text, no holes"),
    RenderCase("", Bin(), ""),
    RenderCase("a }} b } c { d", Bin(), "a }} b } c { d"),
    RenderCase(#"{{ "{{" }} literal braces }}"#, Bin(), "{{ literal braces }}"),
    RenderCase("{{ device.id == '}}' }}", Bin(), "false"),
    RenderCase(#"{{ "a\"}}" }}"#, Bin(), #"a"}}"#),
    RenderCase("Température à {{device.location}} ✓", Bin(), "Température à Block 3 ✓"),
    RenderCase("Line one\n{{device.id}}\n", Bin(), "Line one\nB-12\n"),
]

/// One row of the template error table.
private struct TemplateErrorCase: Sendable, CustomTestStringConvertible {
    var source: String
    var offset: Int
    var fragment: String

    init(_ source: String, _ offset: Int, _ fragment: String) {
        self.source = source
        self.offset = offset
        self.fragment = fragment
    }

    var testDescription: String { "\(source.debugDescription) → @\(offset) \(fragment)" }
}

private let errorCases: [TemplateErrorCase] = [
    TemplateErrorCase("Bin {{device.id", 4, "unterminated '{{': missing '}}'"),
    TemplateErrorCase("Bin {{device.id} }", 4, "unterminated '{{'"),
    TemplateErrorCase("Bin {{device.idd}}", 6, "unknown field 'device.idd' (did you mean device.id?)"),
    TemplateErrorCase("a {{}} b", 4, "empty expression"),
    TemplateErrorCase("a {{   }} b", 4, "empty expression"),
    TemplateErrorCase("a {{ 'x }} b", 5, "unterminated string"),
    TemplateErrorCase("{{ [1, 2] }}", 3, "a list may only appear after 'in'"),
    TemplateErrorCase("x {{ data.fill_pct > }}", 20, "expected an expression, found end of input"),
    TemplateErrorCase("{{ data.fill_pct == 'x' }}", 20, "cannot compare number with string"),
    TemplateErrorCase("{{device.id}} {{ device.id device.id }}", 27, "after the end of the expression"),
    TemplateErrorCase("é {{ data.nope }}", 6, "unknown field 'data.nope'"),
]

@Suite("Template")
struct TemplateTests {
    @Test("renders literal text and holes, numbers without a trailing .0 and null as '-'", arguments: renderCases)
    fileprivate func renders(_ row: RenderCase) throws {
        let template = try Template(compiling: row.source, scope: scope)
        #expect(template.render(row.bin) == row.expected)
        var bin = row.bin
        #expect(template.render(&bin) == row.expected)
    }

    @Test("reports template errors at their offset in the whole template text", arguments: errorCases)
    fileprivate func rejects(_ row: TemplateErrorCase) throws {
        let error = try #require(throws: ExpressionError.self) { try Template(compiling: row.source, scope: scope) }
        #expect(error.offset == row.offset)
        #expect(error.message.contains(row.fragment), "message: \(error.message)")
    }

    @Test("positions of errors in later lines count from the template's start")
    func errorLineAndColumn() throws {
        let error = try #require(throws: ExpressionError.self) {
            try Template(compiling: "Line one\nBin {{device.idd}}", scope: scope)
        }
        #expect(error.offset == 15)
        #expect(error.line == 2)
        #expect(error.column == 7)
    }

    @Test("null renders as the chosen text")
    func customNullText() throws {
        let template = try Template(compiling: "[{{device.location}}|{{data.jammed}}]", scope: scope, nullText: "")
        #expect(template.render(Bin(location: nil)) == "[|]")
        #expect(template.nullText == "")
    }

    @Test("records the source and the fields it reads, in order of first use")
    func sourceAndFields() throws {
        let source = "{{data.fill_pct}} {{device.id}} {{data.fill_pct > 1 && has(data.temp_c)}}"
        let template = try Template(compiling: source, scope: scope)
        #expect(template.source == source)
        #expect(template.description == source)
        #expect(template.fields == ["data.fill_pct", "device.id", "data.temp_c"])
    }

    @Test("one template renders many contexts independently")
    func reusable() throws {
        let template = try Template(compiling: "{{device.id}}:{{data.fill_pct}}", scope: scope)
        let rendered = (0..<3).map { template.render(Bin(id: "B\($0)", fill: Double($0) * 1.5)) }
        #expect(rendered == ["B0:0", "B1:1.5", "B2:3"])
    }

    @Test("expression values describe themselves as templates render them")
    func valueDescriptions() {
        #expect(ExpressionValue.number(92).description == "92")
        #expect(ExpressionValue.number(0.85).description == "0.85")
        #expect(ExpressionValue.string("x").description == "x")
        #expect(ExpressionValue.bool(false).description == "false")
        #expect(ExpressionValue.null.description == "null")
        #expect(ExpressionType.number.description == "number")
    }
}
