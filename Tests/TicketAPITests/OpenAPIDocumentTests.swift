import Foundation
import LinliCore
import Testing
import TicketAPI
import Yams

@Suite("The OpenAPI document is served and agrees with the routes and the JSON the server writes")
struct OpenAPIDocumentTests {
    /// The checked-in document.
    static let path = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/TicketAPI/Resources/openapi.yaml")

    static func document() throws -> [String: Any] {
        let text = try String(contentsOf: path, encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any])
    }

    static func schemaProperties(_ name: String) throws -> [String] {
        let components = try #require(try document()["components"] as? [String: Any])
        let schemas = try #require(components["schemas"] as? [String: Any])
        let schema = try #require(schemas[name] as? [String: Any])
        let properties = try #require(schema["properties"] as? [String: Any])
        let required = try #require(schema["required"] as? [String])
        #expect(Set(required) == Set(properties.keys), "\(name): every property is required")
        return Array(properties.keys)
    }

    @Test("the server serves the checked-in document byte for byte")
    func served() async throws {
        let server = try await TestServer.shared()
        let reply = try await server.get("/api/v1/openapi.yaml")
        #expect(reply.status == 200)
        #expect(reply.body == Array(try Data(contentsOf: Self.path)))
    }

    @Test("the documented paths and methods are exactly the API, Open311 and operations routes served")
    func pathsMatchRoutes() async throws {
        let server = try await TestServer.shared()
        let paths = try #require(try Self.document()["paths"] as? [String: Any])
        var documented: Set<String> = []
        for (path, item) in paths {
            for method in (item as? [String: Any] ?? [:]).keys {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        let served = Set(
            server.server.routes
                .filter { $0.path.hasPrefix("/api/") || $0.path.hasPrefix("/open311/") || $0.path == "/healthz" || $0.path == "/metrics" }
                .map(\.description)
        )
        #expect(documented == served)
        #expect(served.count == 13)
    }

    @Test("the schemas list exactly the fields the server writes")
    func schemasMatchJSON() throws {
        #expect(Set(try Self.schemaProperties("Ticket")) == Set(Ticket.jsonKeys))
        #expect(Set(try Self.schemaProperties("HistoryEntry")) == Set(Ticket.historyJSONKeys))
        #expect(Set(try Self.schemaProperties("LedgerRow")) == Set(Ledger.rowKeys))
        #expect(Set(try Self.schemaProperties("Open311Service")) == Set(Open311Mapping.serviceKeys))
        #expect(Set(try Self.schemaProperties("Open311Request")) == Set(Open311Mapping.requestKeys))
        #expect(Set(try Self.schemaProperties("TicketPage")) == ["tickets", "total", "limit", "offset", "next_offset"])
    }
}

@Suite("GET /api/v1/report over a real socket", .timeLimit(.minutes(1)))
struct ReportAPITests {
    @Test("the ledger for the last 7 days, filtered by site and team, and bad periods refused")
    func report() async throws {
        let server = try await TestServer.shared()
        let all = try await server.get("/api/v1/report")
        #expect(all.status == 200)
        let ledger = try Ledger(json: all.body)
        #expect(ledger.period == Ledger.Period.last(days: 7, before: APIFixtures.now))
        #expect(ledger.total.opened == 36)
        #expect(ledger.total.open == 4)
        #expect(ledger.rows.count == 7)
        let zijing = try Ledger(json: try await server.get("/api/v1/report?site=zijing&team=security").body)
        #expect(zijing.rows.map(\.team) == ["security"])
        #expect(zijing.total.overdue == 1)
        let window = try Ledger(
            json: try await server.get("/api/v1/report?from=2026-11-27T07:00:00Z&to=2026-11-27T08:00:00Z").body
        )
        #expect(window.total.opened == 4)
        #expect(try await server.get("/api/v1/report?days=0").status == 400)
        #expect(try await server.get("/api/v1/report?days=7&from=2026-11-01T00:00:00Z").status == 400)
        #expect(try await server.get("/api/v1/report?from=2026-11-27T09:00:00Z&to=2026-11-27T08:00:00Z").status == 400)
        #expect(try await server.get("/api/v1/report?period=week").errorMessage?.contains("'period'") == true)
    }
}
