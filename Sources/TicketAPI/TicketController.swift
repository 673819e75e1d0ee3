import Hummingbird
import LinliCore
import Logging
import TicketStore

/// The JSON API under `/api/v1` (see `openapi.yaml`): list and show tickets, act on them, and the ledger.
struct TicketController: Sendable {
    let store: TicketStore
    let access: AccessControl
    let workflow: TicketWorkflow
    let configuration: TicketAPIConfiguration
    let reports: LedgerReports

    /// Adds the routes to `router`.
    func register(on router: RouteRecorder) {
        router.get("/api/v1/tickets") { request, context in try await list(request, context) }
        router.get("/api/v1/tickets/{id}") { request, context in try await show(request, context) }
        for action in TicketAction.allCases {
            router.post("/api/v1/tickets/{id}/\(action.rawValue)") { request, context in
                try await perform(action, request, context)
            }
        }
        router.get("/api/v1/report") { request, context in try await report(request, context) }
    }

    /// `GET /api/v1/tickets`: `{"tickets": [...], "total", "limit", "offset", "next_offset"}`.
    func list(_ request: Request, _ context: TicketRequestContext) async throws -> Response {
        _ = try access.checkRead(
            presented: try AccessControl.bearerToken(of: request),
            isLoopbackClient: context.isLoopbackClient
        )
        let query = try TicketListQuery(
            QueryParameters(request),
            defaultLimit: configuration.defaultPageSize,
            maxLimit: configuration.maxPageSize
        )
        async let total = store.count(matching: query.filter)
        let tickets = try await store.tickets(matching: query.filter)
        let count = try await total
        let limit = query.filter.limit ?? configuration.defaultPageSize
        let next = query.filter.offset + tickets.count
        var writer = JSONWriter(capacity: 2048 * max(tickets.count, 1))
        writer.beginObject()
        writer.key("tickets")
        writer.beginArray()
        for ticket in tickets { ticket.write(to: &writer) }
        writer.endArray()
        writer.key("total")
        writer.integer(count)
        writer.key("limit")
        writer.integer(limit)
        writer.key("offset")
        writer.integer(query.filter.offset)
        writer.key("next_offset")
        if next < count && !tickets.isEmpty { writer.integer(next) } else { writer.null() }
        writer.endObject()
        return Responses.json(writer)
    }

    /// `GET /api/v1/tickets/{id}`: one ticket.
    func show(_ request: Request, _ context: TicketRequestContext) async throws -> Response {
        _ = try access.checkRead(
            presented: try AccessControl.bearerToken(of: request),
            isLoopbackClient: context.isLoopbackClient
        )
        try QueryParameters(request).check(accepted: [])
        let ticket = try await workflow.ticket(id: try context.parameters.require("id"))
        return Responses.json(.object(ticket.jsonObject()))
    }

    /// `POST /api/v1/tickets/{id}/{action}`: acts and returns the ticket as it now stands.
    func perform(_ action: TicketAction, _ request: Request, _ context: TicketRequestContext) async throws -> Response {
        let token = try access.checkWrite(presented: try AccessControl.bearerToken(of: request))
        try QueryParameters(request).check(accepted: [])
        let body = try await TicketActionBody.read(from: request, limit: configuration.maxBodySize)
        let ticket = try await workflow.perform(
            action,
            id: try context.parameters.require("id"),
            token: token,
            note: body.note,
            person: body.actor
        )
        context.logger.info(
            "ticket \(action.rawValue) over http",
            metadata: ["ticket.id": "\(ticket.id)", "auth.token": "\(token.name)"]
        )
        return Responses.json(.object(ticket.jsonObject()))
    }

    /// `GET /api/v1/report`: the ledger (`from`/`to` or `days`, optional `site` and `team`).
    func report(_ request: Request, _ context: TicketRequestContext) async throws -> Response {
        _ = try access.checkRead(
            presented: try AccessControl.bearerToken(of: request),
            isLoopbackClient: context.isLoopbackClient
        )
        let ledger = try await reports.ledger(for: QueryParameters(request))
        return Responses.json(.object(ledger.jsonObject()))
    }
}
