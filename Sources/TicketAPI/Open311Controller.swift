import Hummingbird
import LinliCore
import TicketStore

/// The read side of Open311 GeoReport v2 under `/open311/v2`, JSON format only; the mapping is
/// ``Open311Mapping``.
///
/// `jurisdiction_id`, when given, is a site id and limits requests to that site. A token may be given as
/// `api_key` (GeoReport's convention) or as a bearer token. `requests.json` covers at most 90 days of
/// `requested_datetime` (the most recent 90 days by default) and returns at most 1000 requests, newest first.
struct Open311Controller: Sendable {
    static let maxWindow: Duration = .seconds(90 * 86_400)
    static let maxResults = 1000

    let store: TicketStore
    let access: AccessControl
    /// The rules in force now (they change when the daemon reloads its configuration).
    let currentRules: @Sendable () -> RuleSet
    let siteIDs: Set<String>
    let now: @Sendable () -> EventTime

    var rules: RuleSet { currentRules() }

    func register(on router: RouteRecorder) {
        router.get("/open311/v2/services.json") { request, context in try await services(request, context) }
        router.get("/open311/v2/requests.json") { request, context in try await requests(request, context) }
        router.get("/open311/v2/requests/{id}.json") { request, context in try await singleRequest(request, context) }
    }

    /// `services.json`: one service per loaded rule.
    func services(_ request: Request, _ context: TicketRequestContext) async throws -> Response {
        let parameters = try checkRead(request, context, accepted: ["jurisdiction_id", "api_key"])
        _ = try jurisdiction(parameters)
        return Responses.json(.array(rules.rules.map { .object(Open311Mapping.service($0)) }))
    }

    /// `requests.json`: service requests by id, or by service code, time window and status.
    func requests(_ request: Request, _ context: TicketRequestContext) async throws -> Response {
        let parameters = try checkRead(
            request,
            context,
            accepted: ["jurisdiction_id", "api_key", "service_request_id", "service_code", "start_date", "end_date", "status"]
        )
        let site = try jurisdiction(parameters)
        if let ids = parameters["service_request_id"] {
            var found: [Ticket] = []
            for id in ids.split(separator: ",").map(String.init) {
                try TicketWorkflow.checkID(id)
                if let ticket = try await store.ticket(id: id), site == nil || ticket.site == site {
                    found.append(ticket)
                }
            }
            return render(found)
        }
        var filter = TicketFilter(site: site, sort: .newestFirst, limit: Self.maxResults, includesHistory: false)
        let end = try parameters.time("end_date") ?? now()
        let start = try parameters.time("start_date") ?? (end - Self.maxWindow)
        guard start < end else {
            throw HTTPError(.badRequest, message: "start_date must be earlier than end_date")
        }
        guard end - start <= Self.maxWindow else {
            throw HTTPError(.badRequest, message: "start_date to end_date may span at most 90 days")
        }
        filter.openedAfter = start
        filter.openedBefore = end
        if let statusText = parameters["status"] {
            for status in statusText.split(separator: ",") {
                switch status {
                case "open": filter.statuses.formUnion([.open, .acknowledged])
                case "closed": filter.statuses.insert(.resolved)
                default: throw parameters.invalid("status", String(status), "open, closed or open,closed")
                }
            }
        }
        let codes = parameters["service_code"].map { $0.split(separator: ",").map(String.init) } ?? []
        var tickets: [Ticket] = []
        if codes.isEmpty {
            tickets = try await store.tickets(matching: filter)
        } else {
            for code in Set(codes) {
                filter.rule = code
                tickets += try await store.tickets(matching: filter)
            }
            tickets.sort { ($0.openedAt, $0.id) > ($1.openedAt, $1.id) }
            tickets = Array(tickets.prefix(Self.maxResults))
        }
        return render(tickets)
    }

    /// `requests/{id}.json`: one service request, as a one-element array (as GeoReport has it).
    func singleRequest(_ request: Request, _ context: TicketRequestContext) async throws -> Response {
        let parameters = try checkRead(request, context, accepted: ["jurisdiction_id", "api_key"])
        let site = try jurisdiction(parameters)
        let id = try context.parameters.require("id")
        try TicketWorkflow.checkID(id)
        guard let ticket = try await store.ticket(id: id), site == nil || ticket.site == site else {
            throw HTTPError(.notFound, message: "no service request \(id)")
        }
        return render([ticket])
    }

    private func render(_ tickets: [Ticket]) -> Response {
        Responses.json(.array(tickets.map { .object(Open311Mapping.request($0, rule: rules[$0.rule])) }))
    }

    private func checkRead(
        _ request: Request,
        _ context: TicketRequestContext,
        accepted: Set<String>
    ) throws -> QueryParameters {
        let parameters = QueryParameters(request)
        let presented = try AccessControl.bearerToken(of: request) ?? parameters["api_key"]
        _ = try access.checkRead(presented: presented, isLoopbackClient: context.isLoopbackClient)
        try parameters.check(accepted: accepted)
        return parameters
    }

    /// The site `jurisdiction_id` names, if given.
    /// - Throws: 404 for an unknown jurisdiction.
    private func jurisdiction(_ parameters: QueryParameters) throws(HTTPError) -> String? {
        guard let site = parameters["jurisdiction_id"] else { return nil }
        guard siteIDs.contains(site) else {
            throw HTTPError(
                .notFound,
                message: "unknown jurisdiction_id '\(site.prefix(64))'; jurisdictions are the site ids: "
                    + siteIDs.sorted().joined(separator: ", ")
            )
        }
        return site
    }
}
