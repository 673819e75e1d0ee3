import LinliCore
import Testing
import TicketAPI

@Suite("GET /api/v1/tickets over a real socket: filters, order, pages", .timeLimit(.minutes(1)))
struct TicketListAPITests {
    @Test(
        "every filter selects exactly the fixture tickets it should",
        arguments: [
            ("status=open", ["T-000006", "T-000002", "T-000001"]),
            ("status=acknowledged", ["T-000003"]),
            ("status=open,acknowledged", ["T-000006", "T-000001", "T-000002", "T-000003"]),
            ("team=care", ["T-000006", "T-000003"]),
            ("site=beisan", ["T-000006", "T-000005", "T-000004"]),
            ("rule=bin-full", ["T-000001", "T-000005"]),
            ("severity=critical", ["T-000006", "T-000002", "T-000003"]),
            ("severity=low,medium&site=beisan", ["T-000005", "T-000004"]),
            ("subject=device:ZJ-G01", ["T-000002"]),
            ("subject=resident:R-0012", ["T-000003"]),
            ("opened_after=2026-11-27T07:00:00Z&opened_before=2026-11-27T07:55:00Z", ["T-000001", "T-000002", "T-000003"]),
            ("opened_after=2026-11-27T15:55:00%2B08:00", ["T-000006"]),
            ("team=care&site=zijing&status=acknowledged", ["T-000003"]),
            ("team=nobody", [String]()),
        ]
    )
    func filters(query: String, expected: [String]) async throws {
        let server = try await TestServer.shared()
        let reply = try await server.get("/api/v1/tickets?\(query)&limit=1000")
        #expect(reply.status == 200)
        #expect(Set(TestServer.ids(reply)) == Set(expected))
        #expect(reply.json["total"]?.number == Double(expected.count))
    }

    @Test("tickets come in the contract shape with their history")
    func contractShape() async throws {
        let server = try await TestServer.shared()
        let reply = try await server.get("/api/v1/tickets?rule=bin-full&site=beisan")
        #expect(reply.header("Content-Type")?.hasPrefix("application/json") == true)
        let ticket = try #require(reply.json["tickets"]?.array?.first)
        #expect(ticket.object?.keys == Ticket.jsonKeys)
        #expect(ticket["history"]?.array?.map { $0["action"]?.string } == ["opened", "acknowledged", "resolved"])
        #expect(ticket["resolution"]?.string == "bin emptied")
        let decoded = try Ticket.decodeArray(from: reply.body)
        #expect(decoded.first == APIFixtures.tickets()[4])
    }

    @Test("sort orders by the key in either direction, ties by number")
    func sorting() async throws {
        let server = try await TestServer.shared()
        let bySeverity = try await server.get("/api/v1/tickets?status=open,acknowledged&sort=-severity")
        #expect(TestServer.ids(bySeverity) == ["T-000006", "T-000003", "T-000002", "T-000001"])
        let oldestFirst = try await server.get("/api/v1/tickets?site=beisan&sort=opened_at")
        #expect(TestServer.ids(oldestFirst) == ["T-000004", "T-000005", "T-000006"])
        let byUpdate = try await server.get("/api/v1/tickets?site=beisan&sort=-updated_at")
        #expect(TestServer.ids(byUpdate) == ["T-000006", "T-000005", "T-000004"])
    }

    @Test("pages of 7 walk all 36 tickets once each, with total and next_offset")
    func pagination() async throws {
        let server = try await TestServer.shared()
        var seen: [String] = []
        var offset: Int? = 0
        var pages = 0
        while let current = offset {
            let reply = try await server.get("/api/v1/tickets?limit=7&offset=\(current)")
            #expect(reply.status == 200)
            #expect(reply.json["total"]?.number == 36)
            #expect(reply.json["limit"]?.number == 7)
            #expect(reply.json["offset"]?.number == Double(current))
            seen += TestServer.ids(reply)
            offset = reply.json["next_offset"]?.number.map { Int($0) }
            pages += 1
        }
        #expect(pages == 6)
        #expect(seen.count == 36)
        #expect(Set(seen).count == 36)
        #expect(Array(seen.prefix(4)) == ["T-000006", "T-000001", "T-000002", "T-000003"])
        let past = try await server.get("/api/v1/tickets?offset=500")
        #expect(TestServer.ids(past).isEmpty)
        #expect(past.json["next_offset"]?.isNull == true)
        let defaultPage = try await server.get("/api/v1/tickets")
        #expect(defaultPage.json["limit"]?.number == 100)
    }

    @Test("one ticket by id, with its full history")
    func showOne() async throws {
        let server = try await TestServer.shared()
        let reply = try await server.get("/api/v1/tickets/T-000003")
        #expect(reply.status == 200)
        let ticket = try Ticket.decode(from: reply.body)
        #expect(ticket == APIFixtures.tickets()[2])
    }
}
