import ArgumentParser
import Foundation
import TicketAPI

extension Linli {
    /// `linli token …`: make and hash API tokens.
    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make API tokens and the auth.tokens lines that accept them.",
            discussion: """
                The configuration keeps only a token's SHA-256 hash: auth.tokens lines NAME:TEAMS:sha256:HEX, \
                TEAMS being * (every team) or team names joined by +.
                """,
            subcommands: [New.self, Hash.self]
        )
    }
}

extension Linli.Token {
    /// `linli token new --name N --teams T`.
    struct New: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a random token; print it (give it to its holder) and its auth.tokens line (for the config)."
        )

        @Option(help: "Name of the token, recorded in ticket history as api:NAME.") var name: String
        @Option(help: "Teams it may act for, comma-separated, or * for every team.") var teams: String

        func run() async throws {
            let secret = APIToken.generate()
            let token = try Self.token(name: name, teams: teams, hash: APIToken.hash(of: secret))
            print("token:  \(secret)")
            print("config: \(token.configurationLine)")
        }

        /// The token for `name` and `teams` (comma- or plus-separated, or `*`).
        static func token(name: String, teams: String, hash: [UInt8]) throws -> APIToken {
            let names = teams.split(whereSeparator: { $0 == "," || $0 == "+" }).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            do {
                return try APIToken(name: name, teams: names == ["*"] ? .all : .only(Set(names)), hash: hash)
            } catch {
                throw ValidationError("\(error)")
            }
        }
    }

    /// `linli token hash [TOKEN]`.
    struct Hash: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print sha256:HEX for a token (read from standard input when not given), for an auth.tokens line."
        )

        @Argument(help: "The token; omit it to read one line from standard input (keeps it out of shell history).")
        var token: String?
        @Option(help: "With --teams, print the whole auth.tokens line for this name.") var name: String?
        @Option(help: "Teams for the line: comma-separated, or *.") var teams: String?

        func validate() throws {
            if (name == nil) != (teams == nil) { throw ValidationError("--name and --teams go together") }
        }

        func run() async throws {
            guard let secret = token ?? readLine(strippingNewline: true), !secret.isEmpty else {
                throw ValidationError("no token given")
            }
            if let name, let teams {
                print(try New.token(name: name, teams: teams, hash: APIToken.hash(of: secret)).configurationLine)
            } else {
                print(APIToken.hashText(of: secret))
            }
        }
    }
}
