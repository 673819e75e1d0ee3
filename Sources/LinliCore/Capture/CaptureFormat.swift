/// The JSON Lines capture format of `cli.md`, read and written by `linli-sim record` / `replay` and
/// `linli replay`.
///
/// One object a line: `{"topic": "...", "payload": "<UTF-8 text>"}`, or `"payload_base64"` instead of
/// `"payload"` when the payload is not valid UTF-8; optional `"at"`, the RFC 3339 time it was received.
/// Other members are ignored, so later versions can add some. Blank lines are skipped.
///
/// ```swift
/// let text = CaptureFormat.encode(CaptureLine(topic: "linli/v1/zijing/bin/ZJ-B03-K/event", payload: bytes))
/// let lines = try CaptureFormat.decodeLines(Array(fileText.utf8))
/// ```
public enum CaptureFormat {
    /// One capture line as JSON text, without the newline.
    public static func encode(_ line: CaptureLine) -> String {
        var writer = JSONWriter(capacity: line.payload.count + line.topic.utf8.count + 48)
        writer.beginObject()
        writer.key("topic")
        writer.string(line.topic)
        if let text = String(validating: line.payload, as: UTF8.self) {
            writer.key("payload")
            writer.string(text)
        } else {
            writer.key("payload_base64")
            writer.string(Base64.encode(line.payload))
        }
        if let at = line.at {
            writer.key("at")
            writer.string(RFC3339.format(at))
        }
        writer.endObject()
        return writer.text
    }

    /// Reads one line of a capture.
    /// - Parameters:
    ///   - text: The line, without its newline.
    ///   - line: Its 1-based line number, for the error.
    /// - Throws: ``CaptureFormatError`` naming the line and what is wrong.
    public static func decode(_ text: some StringProtocol, line: Int = 0) throws(CaptureFormatError) -> CaptureLine {
        var text = String(text)
        if let decoded = text.withUTF8({ decodeWithoutTree(UnsafeRawBufferPointer($0)) }) { return decoded }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: String(text))
        } catch {
            throw CaptureFormatError(line: line, message: "not JSON: \(error)")
        }
        guard case .object(let object) = value else {
            throw CaptureFormatError(line: line, message: "expected a JSON object, found \(value.typeName)")
        }
        guard let topicValue = object["topic"] else {
            throw CaptureFormatError(line: line, message: "missing \"topic\"")
        }
        guard let topic = topicValue.string, !topic.isEmpty else {
            throw CaptureFormatError(line: line, message: "\"topic\" must be a non-empty string")
        }
        let payload: [UInt8]
        switch (object["payload"], object["payload_base64"]) {
        case (let text?, nil):
            guard let string = text.string else {
                throw CaptureFormatError(line: line, message: "\"payload\" must be a string, not \(text.typeName)")
            }
            payload = Array(string.utf8)
        case (nil, let encoded?):
            guard let string = encoded.string, let bytes = Base64.decode(string) else {
                throw CaptureFormatError(line: line, message: "\"payload_base64\" must be a base64 string")
            }
            payload = bytes
        case (nil, nil):
            throw CaptureFormatError(line: line, message: "missing \"payload\" (or \"payload_base64\")")
        case (_?, _?):
            throw CaptureFormatError(line: line, message: "has both \"payload\" and \"payload_base64\"")
        }
        var at: EventTime?
        if let atValue = object["at"], !atValue.isNull {
            guard let string = atValue.string, let time = RFC3339.parse(string) else {
                throw CaptureFormatError(line: line, message: "\"at\" must be an RFC 3339 time with an offset")
            }
            at = time
        }
        return CaptureLine(topic: topic, payload: payload, at: at)
    }

    /// Reads a well-formed line in one pass over its bytes, without building a JSON tree (`linli replay` reads
    /// millions of lines); `nil` for any line it cannot read, which ``decode(_:line:)`` then reads the full way,
    /// to report exactly what is wrong. For a line it reads, the result is the full way's.
    static func decodeWithoutTree(_ bytes: UnsafeRawBufferPointer) -> CaptureLine? {
        var parser = JSONParser(bytes: bytes)
        var topic: JSONParser.StringSpan?
        var payload: JSONParser.StringSpan?
        var payloadBase64: JSONParser.StringSpan?
        var at: JSONParser.StringSpan?
        do {
            guard try parser.peekKind() == .object else { return nil }
            var cursor = try parser.beginObject()
            while let key = try parser.nextKey(&cursor) {
                let kind = try parser.peekKind()
                if parser.matches(key, "topic") {
                    guard kind == .string else { return nil }
                    topic = try parser.scanString()
                } else if parser.matches(key, "payload") {
                    guard kind == .string else { return nil }
                    payload = try parser.scanString()
                } else if parser.matches(key, "payload_base64") {
                    guard kind == .string else { return nil }
                    payloadBase64 = try parser.scanString()
                } else if parser.matches(key, "at") {
                    guard kind == .string || kind == .null else { return nil }
                    if kind == .string { at = try parser.scanString() } else { try parser.skipValue() }
                } else {
                    try parser.skipValue()
                }
            }
            try parser.finish()
        } catch {
            return nil
        }
        guard let topic, topic.end > topic.start else { return nil }
        let bytes: [UInt8]
        switch (payload, payloadBase64) {
        case (let text?, nil):
            bytes = parser.decoded(text)
        case (nil, let encoded?):
            guard let decoded = Base64.decode(parser.string(encoded)) else { return nil }
            bytes = decoded
        default:
            return nil
        }
        var time: EventTime?
        if let at {
            guard let parsed = RFC3339.parse(parser.string(at)) else { return nil }
            time = parsed
        }
        return CaptureLine(topic: parser.string(topic), payload: bytes, at: time)
    }

    /// Reads a whole capture; blank lines are skipped, and a final line may lack its newline.
    /// - Throws: ``CaptureFormatError`` for the first line that cannot be read (and for text that is not
    ///   UTF-8).
    public static func decodeLines(_ bytes: [UInt8]) throws(CaptureFormatError) -> [CaptureLine] {
        var lines: [CaptureLine] = []
        var number = 0
        for slice in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            var content = slice
            if content.last == UInt8(ascii: "\r") { content = content.dropLast() }
            guard let text = String(validating: content, as: UTF8.self) else {
                throw CaptureFormatError(line: number, message: "not UTF-8 (use payload_base64 for binary payloads)")
            }
            if text.allSatisfy(\.isWhitespace) { continue }
            lines.append(try decode(text, line: number))
        }
        return lines
    }

    /// A whole capture as text: one line each, each ending in a newline.
    public static func encodeLines(_ lines: [CaptureLine]) -> String {
        lines.map { encode($0) + "\n" }.joined()
    }
}
