import LinliCore

/// The encoding of one committed batch's seen events in a `seen_batch` row: the persisted de-duplication
/// memory, one row per transaction rather than one row (and two index entries) per event.
///
/// The blob is the events in commit order, each as: the UTF-8 `source` and `id`, each preceded by its
/// length as a little-endian `UInt32`, then the event time as a little-endian `Int64` of milliseconds.
/// Simple enough to read from any language (`scripts/reliability.py` does).
enum SeenEventBlob {
    /// The blob of `events`, in their order.
    static func encode(_ events: [SeenEvent]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(events.count * 64)
        for event in events {
            appendText(event.source, to: &bytes)
            appendText(event.id, to: &bytes)
            withUnsafeBytes(of: event.time.milliseconds.littleEndian) { bytes += $0 }
        }
        return bytes
    }

    /// The events of a blob, in commit order; `nil` when the blob is damaged (truncated or not UTF-8).
    static func decode(_ bytes: [UInt8]) -> [SeenEvent]? {
        bytes.withUnsafeBytes { buffer in
            var events: [SeenEvent] = []
            var offset = 0
            while offset < buffer.count {
                guard let source = readText(buffer, &offset), let id = readText(buffer, &offset),
                    offset + 8 <= buffer.count
                else { return nil }
                let milliseconds = Int64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: Int64.self))
                offset += 8
                events.append(SeenEvent(source: source, id: id, time: EventTime(milliseconds: milliseconds)))
            }
            return events
        }
    }

    private static func appendText(_ text: String, to bytes: inout [UInt8]) {
        let utf8 = text.utf8
        withUnsafeBytes(of: UInt32(utf8.count).littleEndian) { bytes += $0 }
        bytes += utf8
    }

    private static func readText(_ buffer: UnsafeRawBufferPointer, _ offset: inout Int) -> String? {
        guard offset + 4 <= buffer.count else { return nil }
        let length = Int(UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        offset += 4
        guard length <= buffer.count - offset else { return nil }
        let text = String(validating: buffer[offset..<(offset + length)], as: UTF8.self)
        offset += length
        return text
    }
}
