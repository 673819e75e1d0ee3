import ArgumentParser
import Foundation
import LinliCore
import LinliDaemon
import TicketStore

extension Linli {
    /// `linli replay FILE`: run a JSON Lines capture through the rules with no broker, in event time.
    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run recorded events through the rules with no broker, in event time; print the tickets.",
            discussion: """
                FILE is a JSON Lines capture (one {"topic", "payload" or "payload_base64", "at"} object a line, \
                as linli-sim record writes it). The rule engine's clock follows the events' own times, never the \
                wall clock, so the same file gives the same tickets, ids included, every time. At the end the \
                tickets are printed as they stand at the last event's time (--json: a JSON array in the contract \
                shape), and a summary goes to standard error: events applied, redeliveries ignored, messages \
                dead-lettered by reason. Without --db the store is in memory; with --db the replay continues \
                from that store and saves to it, so replaying a file in two parts gives what replaying it whole \
                gives.
                """
        )

        @Argument(help: "The capture file (JSON Lines); - for standard input.")
        var file: String

        @OptionGroup var options: SharedOptions

        @Flag(help: "Print the tickets as a JSON array in the contract shape.")
        var json = false

        @Option(help: "Messages per committed transaction.")
        var chunk = Replayer.defaultChunkSize

        func validate() throws {
            guard chunk >= 1 else { throw ValidationError("--chunk must be at least 1") }
        }

        func run() async throws {
            AllocatorSettings.apply()
            let configuration = try await options.loadConfiguration()
            let registry: SiteRegistry
            let rules: RuleSet
            do {
                registry = try ConfigurationFiles.loadSites(from: configuration.sitesDirectory)
                rules = try ConfigurationFiles.loadRules(from: configuration.rulesDirectory)
            } catch {
                for issue in error.issues { printError("\(issue)") }
                throw ExitCode.failure
            }
            guard let input = file == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: file) else {
                throw Failure("cannot read the capture file '\(file)'")
            }
            let store =
                options.db == nil
                ? try TicketStore.inMemory()
                : try TicketStore(path: configuration.databasePath, configuration: .init(durability: .normal))
            var timing = ProcessingSession.Timing.replay
            timing.lateness = configuration.lateness
            var replayer = try await Replayer.start(
                rules: rules,
                registry: registry,
                store: store,
                deduplicationCapacity: configuration.deduplicationCapacity,
                timing: timing,
                chunkSize: chunk
            )
            var lines = LineReader(handle: input)
            do {
                while let (number, text) = try lines.next() {
                    try await replayer.replay(try CaptureFormat.decode(text, line: number))
                }
            } catch let error as CaptureFormatError {
                let summary = try await replayer.finish()
                throw Failure("\(file): \(error); the \(summary.messages) messages before it were replayed")
            }
            let summary = try await replayer.finish()
            var filter = TicketFilter()
            filter.sort = TicketFilter.Sort(.openedAt, .ascending)
            let tickets = try await store.tickets(matching: filter)
            try store.close()
            print(json ? TicketText.jsonArray(tickets) : TicketText.table(tickets))
            printError("replayed \(file): \(summary)")
        }

        /// A failure worded for people: what is wrong with which file.
        struct Failure: Error, CustomStringConvertible {
            var description: String
            init(_ description: String) { self.description = description }
        }

        /// The lines of a file, read in blocks, so a capture of millions of lines is never held whole.
        struct LineReader {
            private let handle: FileHandle
            private var buffer: [UInt8] = []
            private var position = 0
            private var number = 0
            private var atEnd = false

            init(handle: FileHandle) {
                self.handle = handle
            }

            /// The next line that is not blank, with its 1-based number; `nil` at the end of the file.
            /// - Throws: ``LinliCore/CaptureFormatError`` for a line that is not UTF-8.
            mutating func next() throws(CaptureFormatError) -> (number: Int, text: String)? {
                while let bytes = nextRawLine() {
                    number += 1
                    var content = bytes[...]
                    if content.last == UInt8(ascii: "\r") { content = content.dropLast() }
                    guard let text = String(validating: content, as: UTF8.self) else {
                        throw CaptureFormatError(line: number, message: "not UTF-8 (use payload_base64 for binary payloads)")
                    }
                    if !text.allSatisfy(\.isWhitespace) { return (number, text) }
                }
                return nil
            }

            /// The bytes up to the next newline, or to the end of the file.
            private mutating func nextRawLine() -> [UInt8]? {
                while true {
                    if let newline = buffer[position...].firstIndex(of: UInt8(ascii: "\n")) {
                        let line = Array(buffer[position..<newline])
                        position = newline + 1
                        return line
                    }
                    if atEnd {
                        guard position < buffer.count else { return nil }
                        let line = Array(buffer[position...])
                        position = buffer.count
                        return line
                    }
                    buffer.removeFirst(position)
                    position = 0
                    let block = handle.readData(ofLength: 1 << 20)
                    if block.isEmpty { atEnd = true } else { buffer.append(contentsOf: block) }
                }
            }
        }
    }
}
