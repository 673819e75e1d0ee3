import Testing

@testable import LinliCore

@Suite struct JSONTests {
    /// Parses `bytes` both ways the parser offers: as a tree, and walked with `skipValue` (the event decoder's
    /// path). Both must agree on success and on the exact error.
    static func parseBothWays(_ bytes: [UInt8]) -> (tree: Result<JSONValue, JSONError>, skip: Result<Void, JSONError>) {
        let tree = Result { () throws(JSONError) -> JSONValue in try JSONValue(parsing: bytes) }
        let skip = bytes.withUnsafeBytes { raw in
            Result { () throws(JSONError) in
                var parser = JSONParser(bytes: raw)
                try parser.skipValue()
                try parser.finish()
            }
        }
        return (tree, skip)
    }

    static let values: [(text: String, value: JSONValue)] = [
        ("null", .null),
        (" true ", .bool(true)),
        ("false", .bool(false)),
        ("\"\"", .string("")),
        ("\"zijing\"", .string("zijing")),
        ("[]", .array([])),
        ("{}", .object([:])),
        ("[1, \"a\", null, [true]]", .array([.number(1), .string("a"), .null, .array([.bool(true)])])),
        ("{\"b\": 1, \"a\": {\"c\": []}}", .object(["b": .number(1), "a": .object(["c": .array([])])])),
        ("\t\r\n {\"k\" : \"v\" } \n", .object(["k": .string("v")])),
        (#""\"\\\/\b\f\n\r\t""#, .string("\"\\/\u{8}\u{C}\n\r\t")),
        (#""\u00e9\u4e2d\ud83d\ude00\u0000""#, .string("é中😀\u{0}")),
        (#""{\"topic\": \"linli/v1\", \"t\": \"a\\b\"} \u00e9 end""#, .string(#"{"topic": "linli/v1", "t": "a\b"} é end"#)),
        ("\"é中😀 \u{7F}\"", .string("é中😀 \u{7F}")),
    ]

    @Test("parses every kind of value", arguments: values)
    func parsesValues(_ example: (text: String, value: JSONValue)) throws {
        #expect(try JSONValue(parsing: example.text) == example.value)
        let both = Self.parseBothWays(Array(example.text.utf8))
        #expect((try? both.skip.get()) != nil)
    }

    static let numbers: [(text: String, value: Double)] = [
        ("0", 0), ("-0", 0), ("92", 92), ("0.93", 0.93), ("-40", -40), ("150.5", 150.5), ("1e2", 100),
        ("1E-2", 0.01), ("-1.5e+3", -1500), ("0.1", 0.1), ("123456789012345", 123_456_789_012_345),
        ("9007199254740993", 9_007_199_254_740_992),  // rounds to nearest even
        ("123456789012345678901234567890", 1.2345678901234568e29),
        ("2.2250738585072014e-308", 2.2250738585072014e-308), ("1e-400", 0), ("1.7976931348623157e308", .greatestFiniteMagnitude),
        ("0.000001", 0.000001), ("3.141592653589793238462643383279", 3.141592653589793),
    ]

    @Test("reads numbers correctly rounded", arguments: numbers)
    func readsNumbers(_ example: (text: String, value: Double)) throws {
        #expect(try JSONValue(parsing: example.text) == .number(example.value))
    }

    @Test("keeps object members in document order")
    func keepsKeyOrder() throws {
        let object = try #require(try JSONValue(parsing: #"{"z":1,"a":2,"m":3}"#).object)
        #expect(object.keys == ["z", "a", "m"])
        #expect(object["a"] == .number(2))
        #expect(object["missing"] == nil)
    }

    /// Hostile or malformed input, the problem expected, and the offset it is reported at.
    static let rejected: [(name: String, bytes: [UInt8], problem: JSONError.Problem, offset: Int)] = [
        ("empty", [], .unexpectedEnd, 0),
        ("only whitespace", Array("  ".utf8), .unexpectedEnd, 2),
        ("invalid UTF-8 byte", [0x22, 0xFF, 0x22], .invalidUTF8, 1),
        ("overlong encoding", [0x22, 0xC0, 0xAF, 0x22], .invalidUTF8, 1),
        ("UTF-8 encoded surrogate", [0x22, 0xED, 0xA0, 0x80, 0x22], .invalidUTF8, 1),
        ("above U+10FFFF", [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], .invalidUTF8, 1),
        ("truncated sequence", [0x22, 0xE4, 0xB8], .invalidUTF8, 1),
        ("lone continuation byte", [0x22, 0x80, 0x22], .invalidUTF8, 1),
        ("raw newline in string", Array("\"a\nb\"".utf8), .controlCharacter(0x0A), 2),
        ("raw NUL in string", [0x22, 0x00, 0x22], .controlCharacter(0x00), 1),
        ("NaN", Array("NaN".utf8), .nonFiniteNumber, 0),
        ("Infinity", Array("[Infinity]".utf8), .nonFiniteNumber, 1),
        ("-Infinity", Array("-Infinity".utf8), .nonFiniteNumber, 1),
        ("huge number", Array("1e400".utf8), .numberOutOfRange, 0),
        ("huge negative number", Array("[-1e400]".utf8), .numberOutOfRange, 1),
        ("huge integer", Array(("1" + String(repeating: "0", count: 400)).utf8), .numberOutOfRange, 0),
        ("leading zero", Array("01".utf8), .invalidNumber, 1),
        ("trailing dot", Array("1.".utf8), .invalidNumber, 2),
        ("lone minus", Array("-".utf8), .unexpectedEnd, 1),
        ("empty exponent", Array("1e".utf8), .invalidNumber, 2),
        ("leading plus", Array("+1".utf8), .unexpectedByte(UInt8(ascii: "+"), expected: "a JSON value"), 0),
        ("leading dot", Array(".5".utf8), .unexpectedByte(UInt8(ascii: "."), expected: "a JSON value"), 0),
        ("trailing garbage", Array("{} x".utf8), .trailingData, 3),
        ("two values", Array("{}{}".utf8), .trailingData, 2),
        ("duplicate key", Array(#"{"a":1,"a":2}"#.utf8), .duplicateKey("a"), 7),
        ("duplicate key via escape", Array(#"{"a":1,"\u0061":2}"#.utf8), .duplicateKey("a"), 7),
        ("nested duplicate key", Array(#"{"a":{"b":1,"b":2}}"#.utf8), .duplicateKey("b"), 12),
        ("lone high surrogate", Array(#""\ud800""#.utf8), .unpairedSurrogate, 1),
        ("lone low surrogate", Array(#""\udc00""#.utf8), .unpairedSurrogate, 1),
        ("high surrogate then letter", Array(#""\ud800\u0041""#.utf8), .unpairedSurrogate, 1),
        ("unknown escape", Array(#""\x""#.utf8), .invalidEscape, 1),
        ("short unicode escape", Array(#""\u12""#.utf8), .invalidEscape, 1),
        ("unterminated string", Array("\"abc".utf8), .unexpectedEnd, 4),
        ("truncated literal", Array("tru".utf8), .unexpectedEnd, 3),
        ("misspelt literal", Array("nul1".utf8), .unexpectedByte(UInt8(ascii: "1"), expected: "'null'"), 3),
        ("trailing comma in array", Array("[1,]".utf8), .unexpectedByte(UInt8(ascii: "]"), expected: "a JSON value"), 3),
        ("missing colon", Array(#"{"a" 1}"#.utf8), .unexpectedByte(UInt8(ascii: "1"), expected: "':'"), 5),
        ("comma first in object", Array("{,}".utf8), .unexpectedByte(UInt8(ascii: ","), expected: "a string key"), 1),
        ("single quotes", Array("{'a':1}".utf8), .unexpectedByte(UInt8(ascii: "'"), expected: "a string key"), 1),
        ("missing comma", Array("[1 2]".utf8), .unexpectedByte(UInt8(ascii: "2"), expected: "',' or ']'"), 3),
        ("byte order mark", [0xEF, 0xBB, 0xBF, 0x7B, 0x7D], .unexpectedByte(0xEF, expected: "a JSON value"), 0),
        ("too deep", Array((String(repeating: "[", count: 33) + String(repeating: "]", count: 33)).utf8), .tooDeep(limit: 32), 32),
        (
            "too deep in objects",
            Array((String(repeating: #"{"a":"#, count: 33) + "1" + String(repeating: "}", count: 33)).utf8),
            .tooDeep(limit: 32), 160
        ),
    ]

    @Test("rejects hostile and malformed input with the problem and its offset", arguments: rejected)
    func rejects(_ example: (name: String, bytes: [UInt8], problem: JSONError.Problem, offset: Int)) {
        let both = Self.parseBothWays(example.bytes)
        let expected = JSONError(offset: example.offset, problem: example.problem)
        #expect(throws: expected) { try both.tree.get() }
        #expect(throws: expected) { try both.skip.get() }
    }

    @Test("accepts nesting up to the limit")
    func acceptsMaximumDepth() throws {
        let text = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        _ = try JSONValue(parsing: text)
        #expect(throws: JSONError(offset: 2, problem: .tooDeep(limit: 2))) {
            try JSONValue(parsing: "[[[]]]", maxDepth: 2)
        }
    }

    @Test("finds duplicates among many keys, where detection switches to a set")
    func duplicatesAmongManyKeys() throws {
        let keys = (0..<40).map { "\"key\($0)\":\($0)" }
        let unique = Array(("{" + keys.joined(separator: ",") + "}").utf8)
        let both = Self.parseBothWays(unique)
        #expect(try both.tree.get().object?.count == 40)
        #expect((try? both.skip.get()) != nil)

        let duplicated = Array(("{" + keys.joined(separator: ",") + ",\"key3\":0}").utf8)
        let again = Self.parseBothWays(duplicated)
        let error = JSONError(offset: duplicated.count - 9, problem: .duplicateKey("key3"))
        #expect(throws: error) { try again.tree.get() }
        #expect(throws: error) { try again.skip.get() }
    }

    @Test("error descriptions say where and what")
    func describesErrors() {
        let error = JSONError(offset: 17, problem: .controlCharacter(0x0A))
        #expect(error.description == "at byte 17: unescaped control character 0x0A in a string")
        #expect(JSONError(offset: 0, problem: .unexpectedByte(0x7B, expected: "']'")).detail == "unexpected '{', expected ']'")
        let long = JSONError(offset: 0, problem: .duplicateKey(String(repeating: "k", count: 64)))
        #expect(long.description.contains("kkkk"))
    }

    @Test("never traps on corrupted input, and both parsing modes agree")
    func survivesMutations() {
        let seed = Array(
            #"{"specversion":"1.0","id":"a\u00e9","data":{"fill_pct":92.5,"list":[1,-2e3,true,null,"中"]}}"#.utf8
        )
        var state: UInt64 = 42
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        let interesting: [UInt8] = [0x00, 0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x80, 0xC3, 0xED, 0xFF, 0x30, 0x65]
        for _ in 0..<3000 {
            var bytes = seed
            for _ in 0..<(1 + next() % 4) {
                let index = next() % bytes.count
                switch next() % 3 {
                case 0: bytes[index] = interesting[next() % interesting.count]
                case 1: bytes.remove(at: index)
                default: bytes.insert(interesting[next() % interesting.count], at: index)
                }
            }
            let both = Self.parseBothWays(bytes)
            switch (both.tree, both.skip) {
            case (.success, .success): break
            case (.failure(let treeError), .failure(let skipError)): #expect(treeError == skipError)
            default: Issue.record("parsing modes disagree on \(String(decoding: bytes, as: UTF8.self))")
            }
        }
        for length in 0..<seed.count {
            #expect(throws: JSONError.self) { try JSONValue(parsing: Array(seed.prefix(length))) }
        }
    }

    @Test("writes compact JSON with escapes and plain numbers")
    func writesCompact() {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("text")
        writer.string("quote\" back\\ nl\n tab\t ctl\u{1} del\u{7F} é")
        writer.key("numbers")
        writer.beginArray()
        for number in [92, 0.93, -40, -0.0, 1e300, 1e-7, .nan, .infinity, 9_007_199_254_740_992, 1e17] as [Double] {
            writer.number(number)
        }
        writer.integer(-1234)
        writer.endArray()
        writer.key("empty")
        writer.beginObject()
        writer.endObject()
        writer.key("none")
        writer.string(nil as String?)
        writer.key("flag")
        writer.bool(true)
        writer.endObject()
        #expect(
            writer.text
                == #"{"text":"quote\" back\\ nl\n tab\t ctl\u0001 del"# + "\u{7F} é\","
                + #""numbers":[92,0.93,-40,0,1e+300,1e-07,null,null,9007199254740992,100000000000000000,-1234],"empty":{},"none":null,"flag":true}"#
        )
    }

    @Test("pretty-prints with two-space indentation")
    func writesPretty() {
        var writer = JSONWriter(pretty: true)
        writer.value(.object(["a": .array([.number(1), .string("x")]), "b": .object([:]), "c": .array([])]))
        #expect(
            writer.text == """
                {
                  "a": [
                    1,
                    "x"
                  ],
                  "b": {},
                  "c": []
                }
                """
        )
    }

    @Test("what the writer writes, the parser reads back equal")
    func writerRoundTrips() throws {
        let value: JSONValue = .object([
            "s": .string("é\u{0}\u{1F}\"\\/😀"), "n": .array([.number(0.1), .number(-2.5e-8), .number(1e21), .number(123)]),
            "o": .object(["nested": .array([.null, .bool(false)])]),
        ])
        for pretty in [false, true] {
            var writer = JSONWriter(pretty: pretty)
            writer.value(value)
            #expect(try JSONValue(parsing: writer.bytes) == value)
        }
        #expect(try JSONValue(parsing: value.jsonText) == value)
    }
}
