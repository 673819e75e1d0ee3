public import ArgumentParser
import Foundation
import LinliCore
import LinliDaemon
import TicketStore

extension Linli {
    /// `linli tickets …`: read and work tickets in the store.
    struct Tickets: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read and work tickets.",
            subcommands: [List.self, Show.self, Acknowledge.self, Resolve.self]
        )
    }
}

extension Linli.Tickets {
    /// `linli tickets list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tickets, newest first.")

        @OptionGroup var options: SharedOptions
        @Option(help: "Only this status: open, acknowledged or resolved.") var status: TicketStatus?
        @Option(help: "Only this team.") var team: String?
        @Option(help: "Only this site.") var site: String?
        @Option(help: "Only this rule.") var rule: String?
        @Option(help: "At most this many tickets.") var limit: Int?
        @Flag(help: "Print a JSON array in the contract shape.") var json = false

        func run() async throws {
            let store = try await options.openStore()
            var filter = TicketFilter()
            filter.statuses = status.map { [$0] } ?? []
            filter.team = team
            filter.site = site
            filter.rule = rule
            filter.limit = limit
            let tickets = try await store.tickets(matching: filter)
            print(json ? TicketText.jsonArray(tickets) : TicketText.table(tickets))
        }
    }

    /// `linli tickets show ID`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one ticket with its history and why it was raised."
        )

        @OptionGroup var options: SharedOptions
        @Argument(help: "Ticket id, e.g. T-000042.") var id: String
        @Flag(help: "Print the ticket as JSON in the contract shape.") var json = false

        func run() async throws {
            let store = try await options.openStore()
            guard let ticket = try await store.ticket(id: id) else { throw TicketCommandError.notFound(id) }
            print(json ? TicketText.json(ticket) : TicketText.details(ticket))
        }
    }

    /// `linli tickets ack ID`.
    struct Acknowledge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ack",
            abstract: "Acknowledge an open ticket (stops its escalation)."
        )

        @OptionGroup var options: SharedOptions
        @Argument(help: "Ticket id.") var id: String
        @Option(help: "Who is acknowledging (recorded in the history).") var actor = TicketText.defaultActor
        @Option(help: "A note for the history.") var note: String?
        @Flag(help: "Print the ticket as JSON afterwards.") var json = false

        func run() async throws {
            let store = try await options.openStore()
            let ticket = try await TicketCommandError.mapping {
                try await store.acknowledge(id: id, actor: actor, at: WallClock.now(), note: note)
            }
            print(json ? TicketText.json(ticket) : "\(ticket.id) acknowledged")
        }
    }

    /// `linli tickets resolve ID`.
    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resolve a ticket, with an optional note.")

        @OptionGroup var options: SharedOptions
        @Argument(help: "Ticket id.") var id: String
        @Option(help: "Who is resolving (recorded in the history).") var actor = TicketText.defaultActor
        @Option(help: "Resolution note (default: manual).") var note: String?
        @Flag(help: "Print the ticket as JSON afterwards.") var json = false

        func run() async throws {
            let store = try await options.openStore()
            let ticket = try await TicketCommandError.mapping {
                try await store.resolve(id: id, actor: actor, at: WallClock.now(), note: note)
            }
            print(json ? TicketText.json(ticket) : "\(ticket.id) resolved")
        }
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
}

/// Errors of the `tickets` commands, worded for people.
enum TicketCommandError: Error, CustomStringConvertible {
    case notFound(String)
    case refused(String)

    var description: String {
        switch self {
        case .notFound(let id): "no ticket '\(id)'"
        case .refused(let message): message
        }
    }

    /// Runs a store transition, turning store errors into messages that name the ticket.
    static func mapping(_ body: () async throws -> Ticket) async throws -> Ticket {
        do {
            return try await body()
        } catch let error as TicketStoreError {
            throw refused("\(error)")
        }
    }
}
