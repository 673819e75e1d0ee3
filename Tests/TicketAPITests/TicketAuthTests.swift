import LinliCore
import NIOCore
import Testing
import TicketStore

@testable import TicketAPI

@Suite("Authorisation: writes need a token of the ticket's team; reads per policy", .timeLimit(.minutes(1)))
struct TicketAuthTests {
    /// Every write, on a ticket whose status allows it; all the tickets are care tickets.
    static let writes: [(action: String, id: String, body: String)] = [
        ("ack", "T-000006", #"{"note": "on my way"}"#),
        ("resolve", "T-000003", #"{"note": "resident is fine", "actor": "Wang Fang"}"#),
        ("comment", "T-000006", #"{"note": "called the family"}"#),
        ("reopen", "T-000003", #"{"note": "again"}"#),
    ]

    /// Sends `write` to `server` with `token` (none: no Authorization header).
    static func send(
        _ write: (action: String, id: String, body: String),
        token: String? = nil,
        to server: TestServer
    ) async throws -> TestServer.Reply {
        try await server.post("/api/v1/tickets/\(write.id)/\(write.action)", token: token, json: write.body)
    }

    @Test("every write without a token is a 401 with WWW-Authenticate, and changes nothing")
    func withoutToken() async throws {
        let server = try await TestServer.start()
        for write in Self.writes {
            let reply = try await Self.send(write, to: server)
            #expect(reply.status == 401, "\(write.action)")
            #expect(reply.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
            #expect(reply.errorMessage?.contains("needs a token") == true)
        }
        #expect(try await server.store.ticket(id: "T-000006")?.history.count == 1)
        #expect(server.changes.count == 0)
        try await server.stop()
    }

    @Test("every write with a wrong token is a 401, and changes nothing")
    func wrongToken() async throws {
        let server = try await TestServer.start()
        for write in Self.writes {
            let reply = try await Self.send(write, token: "not-a-token", to: server)
            #expect(reply.status == 401, "\(write.action)")
            #expect(reply.errorMessage == "the token is not recognised")
        }
        let malformed = try await server.request(
            "POST",
            "/api/v1/tickets/T-000006/ack",
            headers: [("Authorization", "Basic abc")]
        )
        #expect(malformed.status == 401)
        #expect(try await server.store.ticket(id: "T-000006")?.history.count == 1)
        try await server.stop()
    }

    @Test("every write with a right token of another team is a 403 naming both teams, and changes nothing")
    func wrongTeam() async throws {
        let server = try await TestServer.start()
        for write in Self.writes {
            let reply = try await Self.send(write, token: APIFixtures.sanitationSecret, to: server)
            #expect(reply.status == 403, "\(write.action)")
            #expect(reply.errorMessage?.contains("'sanitation-desk' may act for sanitation") == true)
            #expect(reply.errorMessage?.contains("team 'care'") == true)
        }
        #expect(try await server.store.ticket(id: "T-000006")?.history.count == 1)
        #expect(server.changes.count == 0)
        try await server.stop()
    }

    @Test("every write with a right token of the ticket's team succeeds and is recorded with the token's name")
    func rightToken() async throws {
        let server = try await TestServer.start()
        for write in Self.writes {
            let reply = try await Self.send(write, token: APIFixtures.careSecret, to: server)
            #expect(reply.status == 200, "\(write.action): \(reply.text)")
            #expect(reply.json["id"]?.string == write.id)
        }
        let six = try #require(try await server.store.ticket(id: "T-000006"))
        #expect(six.status == .acknowledged)
        #expect(six.history.map(\.action) == [.opened, .acknowledged, .commented])
        #expect(six.history[1].actor == "api:care-desk")
        #expect(six.history[1].note == "on my way")
        #expect(six.history[1].at == APIFixtures.now)
        let three = try #require(try await server.store.ticket(id: "T-000003"))
        #expect(three.status == .open)
        #expect(three.history.map(\.action) == [.opened, .acknowledged, .resolved, .reopened])
        #expect(three.history[2].actor == "Wang Fang (api:care-desk)")
        #expect(three.history[2].note == "resident is fine")
        #expect(server.changes.count == 4)
        let any = try await server.post("/api/v1/tickets/T-000001/ack", token: APIFixtures.opsSecret)
        #expect(any.status == 200)
        try await server.stop()
    }

    @Test("reads need a token when the policy says so; a wrong token is refused even where none is needed")
    func readPolicy() async throws {
        let closed = try await TestServer.start { $0.readAccess = .tokenRequired }
        #expect(try await closed.get("/api/v1/tickets").status == 401)
        #expect(try await closed.get("/api/v1/tickets/T-000001").status == 401)
        #expect(try await closed.get("/api/v1/report").status == 401)
        #expect(try await closed.get("/open311/v2/requests.json").status == 401)
        #expect(try await closed.get("/open311/v2/requests.json?api_key=\(APIFixtures.careSecret)").status == 200)
        #expect(try await closed.get("/api/v1/tickets", token: APIFixtures.sanitationSecret).status == 200)
        #expect(try await closed.get("/").status == 401)
        #expect(try await closed.get("/healthz").status == 200)
        try await closed.stop()

        let loopback = try await TestServer.start()
        #expect(try await loopback.get("/api/v1/tickets").status == 200)
        #expect(try await loopback.get("/api/v1/tickets", token: "wrong").status == 401)
        try await loopback.stop()
    }

    @Test(
        "loopback clients are told apart from others",
        arguments: [
            ("127.0.0.1", true), ("127.8.9.10", true), ("::1", true), ("::ffff:127.0.0.1", true),
            ("10.0.0.7", false), ("192.168.1.20", false), ("::ffff:10.0.0.7", false), ("2001:db8::1", false),
        ]
    )
    func loopbackDetection(address: String, isLoopback: Bool) throws {
        let socketAddress = try SocketAddress(ipAddress: address, port: 5000)
        #expect(TicketRequestContext.isLoopback(socketAddress) == isLoopback)
        #expect(TicketRequestContext.isLoopback(nil) == false)
    }

    @Test("the authenticator matches each token by its hash only")
    func authenticator() throws {
        let authenticator = try TokenAuthenticator(tokens: APIFixtures.tokens())
        #expect(authenticator.authenticate(APIFixtures.careSecret)?.name == "care-desk")
        #expect(authenticator.authenticate(APIFixtures.careSecret + "x") == nil)
        #expect(authenticator.authenticate("") == nil)
        #expect(throws: APITokenError.duplicateName("ops")) {
            try TokenAuthenticator(tokens: try APIFixtures.tokens() + [try APIFixtures.tokens()[0]])
        }
    }

    @Test("token configuration lines read back what they were written from, and bad ones are named")
    func tokenLines() throws {
        let token = try APIToken(configurationLine: "care-desk:care+security:" + APIToken.hashText(of: "s3cret"))
        #expect(token.teams == .only(["care", "security"]))
        #expect(token.hash == APIToken.hash(of: "s3cret"))
        #expect(try APIToken(configurationLine: token.configurationLine) == token)
        let all = try APIToken(configurationLine: "ops:*:" + APIToken.hashText(of: "x"))
        #expect(all.allows(team: "anything"))
        #expect(!token.allows(team: "sanitation"))
        #expect(throws: APITokenError.malformedLine) { try APIToken(configurationLine: "ops:*:abc") }
        #expect(throws: APITokenError.invalidHash(name: "ops")) { try APIToken(configurationLine: "ops:*:sha256:abc") }
        #expect(throws: APITokenError.invalidName("a b")) {
            try APIToken(configurationLine: "a b:*:" + APIToken.hashText(of: "x"))
        }
        #expect(throws: APITokenError.invalidTeams(name: "ops")) {
            try APIToken(configurationLine: "ops::" + APIToken.hashText(of: "x"))
        }
        #expect(APIToken.hashText(of: "abc") == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(APIToken.generate().count == 43)
        #expect(APIToken.generate() != APIToken.generate())
    }
}
