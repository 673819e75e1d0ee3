import Foundation
import LinliCore

/// The demo site registry (`Config/sites`), loaded once.
private let registry: SiteRegistry = {
    let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Config/sites")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    let files = names.sorted().filter { $0.hasSuffix(".yaml") }.map { name in
        (name: name, contents: (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? "")
    }
    do {
        return try SiteRegistry.load(files: files)
    } catch {
        fatalError("cannot load the site registry in \(directory.path): \(error)")
    }
}()

/// Topics the fuzzer picks from with the input's first byte; byte values past the list take the topic from
/// the input itself (up to the first newline).
private let topics = [
    "linli/v1/zijing/bin/ZJ-B03-K/event", "linli/v1/zijing/gate/ZJ-G01/event", "linli/v1/zijing/care/ZJ-C-0001/event",
    "linli/v1/beisan/bin/BS-B02-K/event", "linli/v1/beisan/care/BS-UNREGISTERED/event",
]

/// libFuzzer's entry point: decodes one (topic, payload) pair as an event. Decoding must never trap, and an
/// event that decodes must survive a round trip through the contract encoding unchanged.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEventDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    guard let selector = input.first else { return 0 }
    let rest = input.dropFirst()
    let topic: String
    let payload: [UInt8]
    if Int(selector) < topics.count {
        topic = topics[Int(selector)]
        payload = Array(rest)
    } else {
        let newline = rest.firstIndex(of: 0x0A) ?? rest.endIndex
        topic = String(decoding: rest[..<newline], as: UTF8.self)
        payload = Array(rest[(newline < rest.endIndex ? newline + 1 : newline)...])
    }
    _ = try? JSONValue(parsing: String(decoding: payload, as: UTF8.self))
    guard let event = try? Event(topic: topic, payload: payload, registry: registry) else { return 0 }
    let encoded = event.payload()
    let again: Event
    do {
        again = try Event(topic: event.topic, payload: encoded, registry: registry)
    } catch {
        fatalError("a decoded event does not decode again after encoding: \(error)")
    }
    guard again == event else {
        fatalError("a decoded event changes through an encode and decode round trip")
    }
    return 0
}
