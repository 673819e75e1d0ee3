public import ArgumentParser
import Foundation
import LinliCore
import LinliDaemon
import TicketAPI
import TicketStore

extension Linli {
    /// `linli tickets …`: read and work tickets, in the local store or through a daemon's API (`--server`).
    struct Tickets: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read and work tickets.",
            discussion: """
                Every command works on the local store (--db, or store.path from the configuration) or, with \
                --server URL --token T, through a running daemon's HTTP API (the token needs the ticket's team \
                to change it).
                """,
            subcommands: [
                List.self, Show.self, Acknowledge.self, Resolve.self, Comment.self, Reopen.self, Report.self,
            ]
        )
    }
}

extension Linli.Tickets {
    /// `linli tickets list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tickets, newest first.")

        @OptionGroup var options: SharedOptions
        @OptionGroup var remote: ServerOptions
        @OptionGroup var list: TicketListOptions
        @Flag(help: "Print a JSON array in the contract shape.") var json = false

        func run() async throws {
            let tickets = try await options.backend(remote).list(list)
            print(json ? TicketText.jsonArray(tickets) : TicketText.table(tickets))
        }
    }

    /// `linli tickets show ID`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one ticket with its history and why it was raised."
        )

        @OptionGroup var options: SharedOptions
        @OptionGroup var remote: ServerOptions
        @Argument(help: "Ticket id, e.g. T-000042.") var id: String
        @Flag(help: "Print the ticket as JSON in the contract shape.") var json = false

        func run() async throws {
            let ticket = try await options.backend(remote).show(id: id)
            print(json ? TicketText.json(ticket) : TicketText.details(ticket))
        }
    }

    /// `linli tickets ack ID`.
    struct Acknowledge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ack",
            abstract: "Acknowledge an open ticket (stops its escalation)."
        )

        @OptionGroup var action: TicketActionOptions

        func run() async throws {
            try await action.perform(.ack, done: "acknowledged")
        }
    }

    /// `linli tickets resolve ID`.
    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resolve a ticket, with an optional note.")

        @OptionGroup var action: TicketActionOptions

        func run() async throws {
            try await action.perform(.resolve, done: "resolved")
        }
    }

    /// `linli tickets comment ID --note TEXT`.
    struct Comment: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a note to a ticket's history (--note is required).")

        @OptionGroup var action: TicketActionOptions

        func validate() throws {
            guard let note = action.note, !note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw ValidationError("a comment needs --note TEXT")
            }
        }

        func run() async throws {
            try await action.perform(.comment, done: "commented")
        }
    }

    /// `linli tickets reopen ID`.
    struct Reopen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reopen a resolved ticket (it needs acknowledging again)."
        )

        @OptionGroup var action: TicketActionOptions

        func run() async throws {
            try await action.perform(.reopen, done: "reopened")
        }
    }
}

/// The arguments shared by `ack`, `resolve`, `comment` and `reopen`.
struct TicketActionOptions: ParsableArguments {
    @OptionGroup var options: SharedOptions
    @OptionGroup var remote: ServerOptions
    @Argument(help: "Ticket id, e.g. T-000042.") var id: String
    @Option(help: "Who is acting (recorded in the history; with --server, next to the token's name).")
    var actor: String?
    @Option(help: "A note for the history (for resolve: the resolution, default manual).") var note: String?
    @Flag(help: "Print the ticket as JSON afterwards.") var json = false

    /// Performs `action` and prints the result.
    func perform(_ action: TicketAction, done: String) async throws {
        let ticket = try await options.backend(remote).perform(action, id: id, note: note, actor: actor)
        print(json ? TicketText.json(ticket) : "\(ticket.id) \(done)")
    }
}

extension TicketStatus: ExpressibleByArgument {}

extension SharedOptions {
    /// Opens the configured store; the file must already exist (the daemon or replay creates it).
    func openStore() async throws -> TicketStore {
        let configuration = try await loadConfiguration()
        guard FileManager.default.fileExists(atPath: configuration.databasePath) else {
            throw ValidationError("no ticket store at '\(configuration.databasePath)' (set --db or store.path)")
        }
        return try TicketStore(path: configuration.databasePath)
    }

    /// The daemon's API when `--server` is given, else the local store.
    func backend(_ remote: ServerOptions) async throws -> any TicketBackend {
        if let server = remote.server {
            return RemoteTicketBackend(server: server, token: remote.resolvedToken)
        }
        return LocalTicketBackend(store: try await openStore())
    }
}

/// Errors of the `tickets` commands, worded for people.
enum TicketCommandError: Error, CustomStringConvertible {
    case notFound(String)
    case refused(String)
    case server(status: Int, message: String)

    var description: String {
        switch self {
        case .notFound(let id): "no ticket '\(id)'"
        case .refused(let message): message
        case .server(let status, let message): "the server refused (\(status)): \(message)"
        }
    }
}
