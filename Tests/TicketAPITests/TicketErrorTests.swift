import LinliCore
import Testing
import TicketAPI
import TicketStore

@Suite("API errors: each status with a JSON message naming what was wrong", .timeLimit(.minutes(1)))
struct TicketErrorTests {
    @Test(
        "a bad query parameter is a 400 naming the parameter",
        arguments: [
            ("status=closed", "status"),
            ("severity=urgent", "severity"),
            ("subject=bin-7", "subject"),
            ("opened_after=yesterday", "opened_after"),
            ("opened_before=2026-11-27", "opened_before"),
            ("opened_after=2026-11-27T08:00:00Z&opened_before=2026-11-27T07:00:00Z", "opened_before"),
            ("sort=title", "sort"),
            ("limit=0", "limit"),
            ("limit=1001", "limit"),
            ("limit=ten", "limit"),
            ("offset=-1", "offset"),
            ("stauts=open", "stauts"),
            ("team=a&team=b", "team"),
        ]
    )
    func badParameter(query: String, parameter: String) async throws {
        let server = try await TestServer.shared()
        let reply = try await server.get("/api/v1/tickets?\(query)")
        #expect(reply.status == 400)
        #expect(reply.header("Content-Type")?.hasPrefix("application/json") == true)
        let message = try #require(reply.errorMessage)
        #expect(message.contains("'\(parameter)'"), "\(message)")
    }

    @Test("an unknown ticket is a 404, a malformed id a 400, an unknown path a 404 in the same shape")
    func notFound() async throws {
        let server = try await TestServer.shared()
        let unknown = try await server.get("/api/v1/tickets/T-999999")
        #expect(unknown.status == 404)
        #expect(unknown.errorMessage == "no ticket T-999999")
        let malformed = try await server.get("/api/v1/tickets/T-42")
        #expect(malformed.status == 400)
        #expect(malformed.errorMessage?.contains("not a ticket id") == true)
        let writeUnknown = try await server.post("/api/v1/tickets/T-999999/ack", token: APIFixtures.opsSecret)
        #expect(writeUnknown.status == 404)
        let path = try await server.get("/api/v1/nothing")
        #expect(path.status == 404)
        #expect(path.errorMessage?.contains("/api/v1/nothing") == true)
    }

    @Test("a change the ticket's status does not allow is a 409 saying why")
    func invalidTransition() async throws {
        let server = try await TestServer.start()
        let ack = try await server.post("/api/v1/tickets/T-000003/ack", token: APIFixtures.opsSecret)
        #expect(ack.status == 409)
        #expect(ack.errorMessage == "ticket T-000003 is acknowledged: cannot record acknowledged")
        let resolve = try await server.post("/api/v1/tickets/T-000004/resolve", token: APIFixtures.opsSecret)
        #expect(resolve.status == 409)
        let reopen = try await server.post("/api/v1/tickets/T-000001/reopen", token: APIFixtures.opsSecret)
        #expect(reopen.status == 409)
        #expect(reopen.errorMessage?.contains("T-000001 is open") == true)
        #expect(try await server.store.ticket(id: "T-000001")?.status == .open)
        try await server.stop()
    }

    @Test("a bad body is a 400, a body over the limit a 413")
    func badBodies() async throws {
        let server = try await TestServer.start()
        /// Posts `json` to `action` on T-000001 with the ops token.
        func post(_ action: String, _ json: String) async throws -> TestServer.Reply {
            try await server.post("/api/v1/tickets/T-000001/\(action)", token: APIFixtures.opsSecret, json: json)
        }
        let notJSON = try await post("ack", "{note")
        #expect(notJSON.status == 400)
        #expect(notJSON.errorMessage?.contains("not valid JSON") == true)
        let wrongType = try await post("ack", #"{"note": 5}"#)
        #expect(wrongType.status == 400)
        #expect(wrongType.errorMessage == "body field 'note' must be a string")
        let noNote = try await post("comment", "{}")
        #expect(noNote.status == 400)
        #expect(noNote.errorMessage?.contains("'note'") == true)
        let longNote = String(repeating: "x", count: 2001)
        let tooLong = try await post("comment", #"{"note": "\#(longNote)"}"#)
        #expect(tooLong.status == 400)
        let huge = String(repeating: "y", count: 20_000)
        let tooLarge = try await post("comment", #"{"note": "\#(huge)"}"#)
        #expect(tooLarge.status == 413)
        #expect(tooLarge.errorMessage != nil)
        #expect(try await server.store.ticket(id: "T-000001")?.history.count == 1)
        try await server.stop()
    }
}
