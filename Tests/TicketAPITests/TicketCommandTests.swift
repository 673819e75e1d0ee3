import Foundation
import LinliCore
import TestSupport
import Testing
import TicketAPI
import TicketStore

@Suite("linli tickets and token commands, on the local store and through the API", .timeLimit(.minutes(2)))
struct TicketCommandTests {
    /// The repository root (the commands read Config/linli.yaml from there).
    static let root = APIFixtures.configDirectory.deletingLastPathComponent()

    /// Runs the built `linli` with `arguments`, `input` on standard input.
    static func linli(
        _ arguments: [String],
        input: String? = nil,
        environment: [String: String] = [:]
    ) async throws -> ChildProcess.Output {
        try await ChildProcess.start(
            Repository.product("linli"),
            arguments,
            directory: root,
            environment: environment,
            input: input
        ).finish()
    }

    @Test("list, show, act and report through the API with --server and --token")
    func throughTheAPI() async throws {
        let server = try await TestServer.start()
        let list = try await Self.linli(["tickets", "list", "--server", server.url, "--team", "care", "--json"])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(try Ticket.decodeArray(from: Array(list.stdout.utf8)).map(\.id) == ["T-000006", "T-000003"])
        let all = try await Self.linli(["tickets", "list", "--server", server.url, "--json"])
        #expect(try Ticket.decodeArray(from: Array(all.stdout.utf8)).count == 36)
        let show = try await Self.linli(["tickets", "show", "T-000005", "--server", server.url])
        #expect(show.stdout.contains("bin emptied"))

        let refused = try await Self.linli(["tickets", "ack", "T-000006", "--server", server.url, "--note", "x"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("the server refused (401)"))
        let wrongTeam = try await Self.linli(
            ["tickets", "ack", "T-000006", "--server", server.url, "--token", APIFixtures.sanitationSecret]
        )
        #expect(wrongTeam.stderr.contains("the server refused (403)"))
        let ack = try await Self.linli(
            ["tickets", "ack", "T-000006", "--server", server.url, "--note", "on my way", "--actor", "Li Wei"],
            environment: ["LINLI_TOKEN": APIFixtures.careSecret]
        )
        #expect(ack.status == 0, "\(ack.stderr)")
        #expect(ack.stdout == "T-000006 acknowledged\n")
        let comment = try await Self.linli(
            ["tickets", "comment", "T-000006", "--server", server.url, "--token", APIFixtures.careSecret, "--note", "ok"]
        )
        #expect(comment.status == 0)
        let stored = try #require(try await server.store.ticket(id: "T-000006"))
        #expect(stored.history.map(\.actor) == ["rule:care-fall", "Li Wei (api:care-desk)", "api:care-desk"])

        let csv = try await Self.linli(["tickets", "report", "--server", server.url, "--csv"])
        #expect(csv.stdout.hasPrefix(Ledger.rowKeys.joined(separator: ",")))
        let json = try await Self.linli(["tickets", "report", "--server", server.url, "--json", "--site", "beisan"])
        #expect(try Ledger(json: Array(json.stdout.utf8)).rows.allSatisfy { $0.site == "beisan" })
        try await server.stop()
    }

    @Test("comment, reopen and report work on the local store too")
    func onTheStore() async throws {
        let server = try await TestServer.start()
        let path = server.directory.file("tickets.sqlite")
        let reopen = try await Self.linli(["tickets", "reopen", "T-000005", "--db", path, "--note", "still full"])
        #expect(reopen.status == 0, "\(reopen.stderr)")
        let again = try await Self.linli(["tickets", "reopen", "T-000005", "--db", path])
        #expect(again.status != 0)
        #expect(again.stderr.contains("T-000005 is open"))
        let noNote = try await Self.linli(["tickets", "comment", "T-000005", "--db", path])
        #expect(noNote.status != 0)
        #expect(noNote.stderr.contains("--note"))
        let table = try await Self.linli(["tickets", "report", "--db", path, "--days", "30"])
        #expect(table.status == 0)
        #expect(table.stdout.contains("SITE"))
        #expect(table.stdout.contains("zijing"))
        #expect(try await server.store.ticket(id: "T-000005")?.status == .open)
        try await server.stop()
    }

    @Test("token new makes a token its printed line accepts; token hash reads standard input")
    func tokens() async throws {
        let made = try await Self.linli(["token", "new", "--name", "night-desk", "--teams", "care,security"])
        #expect(made.status == 0)
        let lines = made.stdout.split(separator: "\n").map(String.init)
        let secret = try #require(lines.first?.replacingOccurrences(of: "token:  ", with: ""))
        let line = try #require(lines.last?.replacingOccurrences(of: "config: ", with: ""))
        let token = try APIToken(configurationLine: line)
        #expect(token.teams == .only(["care", "security"]))
        #expect(try TokenAuthenticator(tokens: [token]).authenticate(secret)?.name == "night-desk")
        let hashed = try await Self.linli(["token", "hash"], input: secret + "\n")
        #expect(hashed.stdout == APIToken.hashText(of: secret) + "\n")
        let full = try await Self.linli(["token", "hash", "--name", "night-desk", "--teams", "care,security"], input: secret)
        #expect(full.stdout == line + "\n")
        let bad = try await Self.linli(["token", "new", "--name", "bad name", "--teams", "*"])
        #expect(bad.status != 0)
    }
}
