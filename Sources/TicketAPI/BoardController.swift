import Foundation
import HTTPTypes
import Hummingbird
import LinliCore
import TicketStore

/// The web board: `/` (tickets, filters, counts, the week's ledger), `/tickets/{id}` (one ticket, its
/// history, evidence and rule, and forms to act on it), `/report` (the ledger), and the form posts.
///
/// Server-rendered HTML, no build step: the only script is ``BoardScript``. A token given in a form (or kept
/// in the `linli_token` cookie, HttpOnly and SameSite=Strict, when "remember" is ticked) authorises actions
/// exactly as a bearer token does in the API.
struct BoardController: Sendable {
    static let cookieName = "linli_token"
    static let statusChoices = ["unresolved", "open", "acknowledged", "resolved", "all"]

    let store: TicketStore
    let access: AccessControl
    let workflow: TicketWorkflow
    let renderer: BoardRenderer
    /// The rules in force now (they change when the daemon reloads its configuration).
    let currentRules: @Sendable () -> RuleSet
    let configuration: TicketAPIConfiguration
    let now: @Sendable () -> EventTime

    var rules: RuleSet { currentRules() }

    func register(on router: RouteRecorder) {
        router.get("/") { request, context in try await board(request, context) }
        router.get("/tickets/{id}") { request, context in try await ticketPage(request, context) }
        for action in TicketAction.allCases {
            router.post("/tickets/{id}/\(action.rawValue)") { request, context in
                try await perform(action, request, context)
            }
        }
        router.get("/report") { request, context in try await report(request, context) }
        router.post("/signin") { request, context in try await signIn(request, context) }
        router.post("/signout") { request, _ in try await signOut(request) }
    }

    // MARK: Pages

    /// `GET /`: the board.
    func board(_ request: Request, _ context: TicketRequestContext) async throws -> Response {
        let token = try checkRead(request, context)
        let parameters = QueryParameters(request)
        let language = BoardRenderer.language(of: request)
        let site = parameters["site"]
        let team = parameters["team"]
        let status = parameters["status"] ?? "unresolved"
        guard Self.statusChoices.contains(status) else {
            throw parameters.invalid("status", status, Self.statusChoices.joined(separator: ", "))
        }
        let now = now()
        let unresolved = try await store.tickets(
            matching: TicketFilter(statuses: [.open, .acknowledged], team: team, site: site, includesHistory: false)
        )
        var shown: [Ticket]
        switch status {
        case "open": shown = unresolved.filter { $0.status == .open }
        case "acknowledged": shown = unresolved.filter { $0.status == .acknowledged }
        case "unresolved": shown = unresolved
        default:
            let resolved = try await store.tickets(
                matching: TicketFilter(
                    statuses: [.resolved],
                    team: team,
                    site: site,
                    sort: TicketFilter.Sort(.updatedAt, .descending),
                    limit: configuration.boardLimit,
                    includesHistory: false
                )
            )
            shown = status == "resolved" ? resolved : unresolved + resolved
        }
        shown = Array(shown.sorted(by: Self.statusThenBoardOrder).prefix(configuration.boardLimit))
        let period = Ledger.Period.last(days: LedgerReports.defaultDays, before: now)
        let opened = try await store.tickets(
            matching: TicketFilter(
                team: team,
                site: site,
                openedAfter: period.from,
                openedBefore: period.to,
                includesHistory: false
            )
        )
        let views = BoardViews(renderer: renderer, rules: rules, language: language, now: now)
        let strings = BoardStrings.table(language)
        var values = base(request, language: language, title: strings["board_title"] ?? "", token: token, now: now)
        values["sites"] = choices(renderer.sites.keys.sorted(), selected: site) { renderer.siteName($0) }
        values["teams"] = choices(teams(), selected: team) { BoardStrings.team($0, language) }
        values["statuses"] = choices(Self.statusChoices, selected: status) { strings["status_\($0)"] ?? $0 }
        values["tickets"] = shown.map(views.card)
        values["has_tickets"] = !shown.isEmpty
        values["count_open"] = String(unresolved.count { $0.status == .open })
        values["count_acknowledged"] = String(unresolved.count { $0.status == .acknowledged })
        values["count_overdue"] = String(unresolved.count { TicketDeadline.isOverdue($0, at: now) })
        values["ledger"] = views.ledger(Ledger(opened: opened, unresolved: unresolved, period: period, now: now))
        return renderer.page("board", values)
    }

    /// `GET /tickets/{id}`: one ticket.
    func ticketPage(_ request: Request, _ context: TicketRequestContext) async throws -> Response {
        let token = try checkRead(request, context)
        let ticket = try await workflow.ticket(id: try context.parameters.require("id"))
        let parameters = QueryParameters(request)
        let flash = parameters["done"].flatMap(TicketAction.init(rawValue:))
        return ticketResponse(ticket, request: request, token: token, flash: flash, error: nil)
    }

    /// `GET /report`: the ledger with a period and filters.
    func report(_ request: Request, _ context: TicketRequestContext) async throws -> Response {
        let token = try checkRead(request, context)
        let parameters = QueryParameters(request)
        let language = BoardRenderer.language(of: request)
        let days = try parameters.integer("days", in: 1...366) ?? LedgerReports.defaultDays
        let now = now()
        let ledger = try await Ledger.load(
            from: store,
            period: .last(days: days, before: now),
            site: parameters["site"],
            team: parameters["team"],
            now: now
        )
        let strings = BoardStrings.table(language)
        let views = BoardViews(renderer: renderer, rules: rules, language: language, now: now)
        var values = base(request, language: language, title: strings["report_title"] ?? "", token: token, now: now)
        var periods = [7, 30, 90].map { ("\($0)", strings["days_\($0)"] ?? "\($0)") }
        if ![7, 30, 90].contains(days) { periods.append(("\(days)", "\(days)")) }
        values["periods"] = periods.map { value, label in
            ["value": value, "label": label, "selected": value == String(days)] as [String: Any]
        }
        values["sites"] = choices(renderer.sites.keys.sorted(), selected: parameters["site"]) { renderer.siteName($0) }
        values["teams"] = choices(teams(), selected: parameters["team"]) { BoardStrings.team($0, language) }
        values["ledger"] = views.ledger(ledger)
        return renderer.page("report", values)
    }

    // MARK: Forms

    /// `POST /tickets/{id}/{action}`: acts, then redirects back to the ticket (or shows it with the error).
    func perform(_ action: TicketAction, _ request: Request, _ context: TicketRequestContext) async throws -> Response {
        let form = try await formFields(request)
        let id = try context.parameters.require("id")
        let language = BoardLanguage.negotiate(query: form["lang"], acceptLanguage: request.headers[.acceptLanguage])
        let cookieSecret = cookieSecret(request)
        let presented = form["token"] ?? cookieSecret
        do {
            let token = try access.checkWrite(presented: presented)
            _ = try await workflow.perform(action, id: id, token: token, note: form["note"], person: form["actor"])
            var headers = HTTPFields()
            if form["token"] != nil && form["remember"] != nil {
                headers[.setCookie] = cookie(value: form["token"] ?? "", maxAge: configuration.cookieLifetimeSeconds)
            }
            let location = BoardRenderer.url("/tickets/\(id)", [("lang", language.rawValue), ("done", action.rawValue)])
            return Responses.redirect(to: location, headers: headers)
        } catch let error as HTTPError where error.status != .notFound && error.status != .badRequest {
            let ticket = try await workflow.ticket(id: id)
            let token = cookieSecret.flatMap { access.authenticator.authenticate($0) }
            return ticketResponse(
                ticket,
                request: request,
                language: language,
                token: token,
                flash: nil,
                error: error
            )
        }
    }

    /// `POST /signin`: checks the token, keeps it in the cookie, and goes back to `next`.
    func signIn(_ request: Request, _ context: TicketRequestContext) async throws -> Response {
        let form = try await formFields(request)
        let language = BoardLanguage.negotiate(query: form["lang"], acceptLanguage: request.headers[.acceptLanguage])
        _ = try access.authenticate(form["token"] ?? "")
        var next = form["next"] ?? "/"
        if !next.hasPrefix("/") || next.hasPrefix("//") { next = "/" }
        var headers = HTTPFields()
        headers[.setCookie] = cookie(value: form["token"] ?? "", maxAge: configuration.cookieLifetimeSeconds)
        return Responses.redirect(to: BoardRenderer.url(next, [("lang", language.rawValue)]), headers: headers)
    }

    /// `POST /signout`: forgets the cookie.
    func signOut(_ request: Request) async throws -> Response {
        let form = try await formFields(request)
        var headers = HTTPFields()
        headers[.setCookie] = cookie(value: "", maxAge: 0)
        return Responses.redirect(to: BoardRenderer.url("/", [("lang", form["lang"] ?? "")]), headers: headers)
    }

    // MARK: Helpers

    private func ticketResponse(
        _ ticket: Ticket,
        request: Request,
        language: BoardLanguage? = nil,
        token: APIToken?,
        flash: TicketAction?,
        error: HTTPError?
    ) -> Response {
        let language = language ?? BoardRenderer.language(of: request)
        let now = now()
        let views = BoardViews(renderer: renderer, rules: rules, language: language, now: now)
        let strings = BoardStrings.table(language)
        var values = base(request, language: language, title: "\(ticket.id) \(ticket.title)", token: token, now: now)
        var page = views.page(ticket)
        page["flash"] = flash.map { strings["done_\($0.rawValue)"] ?? "" } ?? false
        page["error"] = error.map { $0.body ?? $0.status.reasonPhrase } ?? false
        page["error_status"] = error.map { String($0.status.code) } ?? ""
        values["ticket"] = page
        values["writable"] = !access.authenticator.tokens.isEmpty
        values["needs_token"] = token == nil
        values["actions"] = views.actions(for: ticket)
        return renderer.page("ticket", values, status: error?.status ?? .ok)
    }

    private func base(
        _ request: Request,
        language: BoardLanguage,
        title: String,
        token: APIToken?,
        now: EventTime
    ) -> [String: Any] {
        renderer.baseContext(
            language: language,
            title: title,
            path: request.uri.path,
            query: QueryParameters(request).pairs.map { ($0.name, $0.value) },
            now: now,
            token: token,
            refresh: true
        )
    }

    /// Checks read access with the cookie or a bearer token; a stale cookie counts as none.
    private func checkRead(_ request: Request, _ context: TicketRequestContext) throws -> APIToken? {
        if let bearer = try AccessControl.bearerToken(of: request) {
            return try access.authenticate(bearer)
        }
        if let token = cookieSecret(request).flatMap({ access.authenticator.authenticate($0) }) {
            return token
        }
        return try access.checkRead(presented: nil, isLoopbackClient: context.isLoopbackClient)
    }

    /// The token kept in the cookie, if any.
    private func cookieSecret(_ request: Request) -> String? {
        guard let value = request.cookies[Self.cookieName]?.value, !value.isEmpty else { return nil }
        return value.removingPercentEncoding ?? value
    }

    private func cookie(value: String, maxAge: Int) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        return "\(Self.cookieName)=\(encoded); Max-Age=\(maxAge); Path=/; HttpOnly; SameSite=Strict"
    }

    /// The fields of an `application/x-www-form-urlencoded` body posted from this server's own pages.
    /// - Throws: 403 for a post from another site's page (its `Origin` is not this server), 415 for another
    ///   content type, 413 when too large.
    private func formFields(_ request: Request) async throws -> QueryParameters {
        if let origin = request.headers[.origin], let authority = request.head.authority,
            !(origin.hasPrefix("http://") || origin.hasPrefix("https://")) || !origin.hasSuffix("//" + authority)
        {
            throw HTTPError(.forbidden, message: "forms can only be sent from this board's own pages")
        }
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/x-www-form-urlencoded") else {
            throw HTTPError(.unsupportedMediaType, message: "send the form as application/x-www-form-urlencoded")
        }
        let buffer = try await request.body.collect(upTo: configuration.maxBodySize)
        return QueryParameters(query: String(decoding: buffer.readableBytesView, as: UTF8.self))
    }

    private func teams() -> [String] {
        Set(rules.rules.map(\.team)).sorted()
    }

    private func choices(
        _ values: [String],
        selected: String?,
        label: (String) -> String
    ) -> [[String: Any]] {
        values.map { ["value": $0, "label": label($0), "selected": $0 == selected] }
    }

    /// Unresolved before resolved; within each, ``BoardViews/boardOrder(_:_:)``, resolved ones newest first.
    private static func statusThenBoardOrder(_ left: Ticket, _ right: Ticket) -> Bool {
        let leftResolved = left.status == .resolved
        let rightResolved = right.status == .resolved
        if leftResolved != rightResolved { return rightResolved }
        if leftResolved { return (left.updatedAt, left.id) > (right.updatedAt, right.id) }
        return BoardViews.boardOrder(left, right)
    }
}
