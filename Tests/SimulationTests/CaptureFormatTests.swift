import Foundation
import LinliCore
import Simulation
import Testing

@Suite struct CaptureFormatTests {
    static let topic = "linli/v1/zijing/bin/ZJ-B03-K/event"

    @Test("a UTF-8 payload is written as text and reads back byte for byte")
    func utf8RoundTrip() throws {
        let payload = Array(#"{"note":"紫荆 \"quoted\"\n\u{0}"}"#.utf8)
        let line = CaptureLine(topic: Self.topic, payload: payload, at: RFC3339.parse("2026-11-27T08:00:00.250+08:00"))
        let text = CaptureFormat.encode(line)
        #expect(text.hasPrefix(#"{"topic":"linli/v1/zijing/bin/ZJ-B03-K/event","payload":"{\"note\":\"紫荆"#))
        #expect(text.hasSuffix(#""at":"2026-11-27T00:00:00.250Z"}"#))
        #expect(!text.contains("\n"))
        #expect(try CaptureFormat.decode(text) == line)
    }

    @Test("a payload that is not UTF-8 goes in payload_base64 and reads back byte for byte")
    func binaryRoundTrip() throws {
        let payload: [UInt8] = [0xFF, 0xFE, 0x00, 0x7B, 0xC3, 0x28]
        let line = CaptureLine(topic: Self.topic, payload: payload)
        let text = CaptureFormat.encode(line)
        #expect(text == #"{"topic":"linli/v1/zijing/bin/ZJ-B03-K/event","payload_base64":"//4Ae8Mo"}"#)
        #expect(try CaptureFormat.decode(text) == line)
    }

    @Test("a whole file reads back, skipping blank lines and accepting CRLF and no final newline")
    func fileRoundTrip() throws {
        let lines = [
            CaptureLine(topic: Self.topic, payload: Array("a".utf8)),
            CaptureLine(topic: Self.topic, payload: [0x80]),
            CaptureLine(topic: Self.topic, payload: [], at: EventTime(seconds: 1)),
        ]
        let text = CaptureFormat.encodeLines(lines)
        #expect(try CaptureFormat.decodeLines(Array(text.utf8)) == lines)
        let messy = "\n" + text.replacingOccurrences(of: "\n", with: "\r\n") + "  \n" + CaptureFormat.encode(lines[0])
        #expect(try CaptureFormat.decodeLines(Array(messy.utf8)) == lines + [lines[0]])
    }

    @Test(
        "a bad line is reported with its number and what is wrong",
        arguments: [
            (#"{"topic": "a"}"#, #"missing "payload""#),
            (#"{"payload": "x"}"#, #"missing "topic""#),
            (#"{"topic": "a", "payload": 3}"#, #""payload" must be a string"#),
            (#"{"topic": "a", "payload": "x", "payload_base64": "eA=="}"#, "has both"),
            (#"{"topic": "a", "payload_base64": "%%%"}"#, "base64"),
            (#"{"topic": "a", "payload": "x", "at": "yesterday"}"#, #""at" must be an RFC 3339 time"#),
            (#"["topic"]"#, "expected a JSON object"),
            (#"{"topic": "a", "#, "not JSON"),
        ]
    )
    func badLine(_ line: String, _ message: String) {
        let file = CaptureFormat.encode(CaptureLine(topic: "ok", payload: [])) + "\n" + line + "\n"
        #expect {
            try CaptureFormat.decodeLines(Array(file.utf8))
        } throws: { error in
            guard let error = error as? CaptureFormatError else { return false }
            return error.line == 2 && error.message.contains(message)
        }
    }
}
