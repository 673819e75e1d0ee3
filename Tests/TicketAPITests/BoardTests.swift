import Foundation
import LinliCore
import Testing
import TicketStore

@testable import TicketAPI

@Suite("The web board over a real socket: pages, languages, forms", .timeLimit(.minutes(1)))
struct BoardTests {
    @Test("the board lists unresolved tickets by severity then deadline, marks the overdue one, in English")
    func boardInEnglish() async throws {
        let server = try await TestServer.shared()
        let reply = try await server.get("/?lang=en")
        #expect(reply.status == 200)
        #expect(reply.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(reply.header("Content-Security-Policy")?.contains("script-src 'sha256-") == true)
        let html = reply.text
        #expect(html.contains(#"<html lang="en">"#))
        let order = Self.ticketIDs(in: html)
        #expect(order == ["T-000002", "T-000006", "T-000003", "T-000001"])
        #expect(html.contains(#"<li class="card sev-critical overdue" data-ticket-id="T-000002""#))
        #expect(html.contains(#"<li class="card sev-medium" data-ticket-id="T-000001""#))
        #expect(html.contains("overdue by 25m"))
        #expect(html.contains("10m 00s left"))
        #expect(html.contains(#"id="count-overdue"><b>1</b>"#))
        #expect(html.contains("<table class=\"ledger\""))
        #expect(html.contains(BoardScript.source))
    }

    @Test("Chinese by ?lang=zh, by Accept-Language, and by default; English when the header prefers it")
    func languages() async throws {
        let server = try await TestServer.shared()
        let zh = try await server.get("/?lang=zh").text
        #expect(zh.contains(#"<html lang="zh-CN">"#))
        #expect(zh.contains("工单看板"))
        #expect(zh.contains("已超时 25分"))
        #expect(zh.contains("环卫"))
        let header = try await server.get("/", headers: [("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8")]).text
        #expect(header.contains("工单看板"))
        let english = try await server.get("/", headers: [("Accept-Language", "en-US,en;q=0.9,zh;q=0.5")]).text
        #expect(english.contains(#"<html lang="en">"#))
        let fallback = try await server.get("/").text
        #expect(fallback.contains(#"<html lang="zh-CN">"#))
    }

    @Test("filters by site, team and status narrow the board")
    func filters() async throws {
        let server = try await TestServer.shared()
        #expect(Self.ticketIDs(in: try await server.get("/?lang=en&site=beisan").text) == ["T-000006"])
        #expect(Self.ticketIDs(in: try await server.get("/?lang=en&team=care").text) == ["T-000006", "T-000003"])
        #expect(Self.ticketIDs(in: try await server.get("/?lang=en&status=acknowledged").text) == ["T-000003"])
        let resolved = Self.ticketIDs(in: try await server.get("/?lang=en&status=resolved&site=beisan").text)
        #expect(resolved == ["T-000005", "T-000004"])
        let none = try await server.get("/?lang=en&team=nobody").text
        #expect(none.contains(#"id="no-tickets""#))
        let bad = try await server.get("/?lang=en&status=closed")
        #expect(bad.status == 400)
        #expect(bad.text.contains(#"id="error-message""#))
    }

    @Test("a ticket's page shows its fields, history, evidence and rule, with forms for its status")
    func ticketPage() async throws {
        let server = try await TestServer.shared()
        let reply = try await server.get("/tickets/T-000005?lang=en")
        #expect(reply.status == 200)
        let html = reply.text
        #expect(html.contains(#"data-ticket-id="T-000005" data-status="resolved""#))
        #expect(html.contains(#"<tr data-action="opened">"#))
        #expect(html.contains(#"<tr data-action="acknowledged">"#))
        #expect(html.contains(#"<tr data-action="resolved">"#))
        #expect(html.contains("<li>evt-5-b</li><li>evt-5-a</li>"))
        #expect(html.contains(#"id="rule" data-rule="bin-full""#))
        #expect(html.contains("<b>Bin full</b>"))
        #expect(html.contains("the rule has changed since this ticket was raised"))
        #expect(html.contains(#"id="form-reopen""#))
        #expect(html.contains(#"id="form-comment""#))
        #expect(!html.contains(#"id="form-ack""#))
        #expect(html.contains("2026-11-27 14:00"))
        let missing = try await server.get("/tickets/T-000999?lang=en")
        #expect(missing.status == 404)
        #expect(missing.text.contains("no ticket T-000999"))
    }

    @Test("acknowledging from the page with a token redirects back, remembers the token, and is recorded")
    func actFromThePage() async throws {
        let server = try await TestServer.start()
        let reply = try await server.postForm(
            "/tickets/T-000006/ack",
            [("lang", "en"), ("note", "on my way"), ("actor", "Li Wei"), ("token", APIFixtures.careSecret), ("remember", "1")],
            headers: [("Origin", server.url)]
        )
        #expect(reply.status == 303)
        #expect(reply.header("Location") == "/tickets/T-000006?lang=en&done=ack")
        let cookie = try #require(reply.header("Set-Cookie"))
        #expect(cookie.hasPrefix("linli_token="))
        #expect(cookie.contains("HttpOnly"))
        #expect(cookie.contains("SameSite=Strict"))
        let ticket = try #require(try await server.store.ticket(id: "T-000006"))
        #expect(ticket.status == .acknowledged)
        #expect(ticket.history.last?.actor == "Li Wei (api:care-desk)")
        let cookieValue = String(cookie.prefix { $0 != ";" })
        let page = try await server.get("/tickets/T-000006?lang=en&done=ack", headers: [("Cookie", cookieValue)])
        #expect(page.text.contains(#"<p class="flash" id="flash">Acknowledged.</p>"#))
        #expect(page.text.contains("Acting with token <b>care-desk</b>"))
        #expect(!page.text.contains(#"name="token""#))
        let resolved = try await server.postForm(
            "/tickets/T-000006/resolve",
            [("lang", "en"), ("note", "resident fine")],
            headers: [("Cookie", cookieValue)]
        )
        #expect(resolved.status == 303)
        #expect(try await server.store.ticket(id: "T-000006")?.status == .resolved)
        try await server.stop()
    }

    @Test("a refused form shows the ticket again with the reason and the status code")
    func refusedForm() async throws {
        let server = try await TestServer.start()
        let wrongTeam = try await server.postForm(
            "/tickets/T-000006/ack",
            [("lang", "en"), ("token", APIFixtures.sanitationSecret)]
        )
        #expect(wrongTeam.status == 403)
        #expect(wrongTeam.text.contains(#"id="error-message" data-status="403""#))
        #expect(wrongTeam.text.contains("team &#39;care&#39;") || wrongTeam.text.contains("team 'care'"))
        let noToken = try await server.postForm("/tickets/T-000006/ack", [("lang", "en")])
        #expect(noToken.status == 401)
        let conflict = try await server.postForm(
            "/tickets/T-000004/resolve",
            [("lang", "en"), ("token", APIFixtures.opsSecret)]
        )
        #expect(conflict.status == 409)
        let json = try await server.request(
            "POST",
            "/tickets/T-000006/ack",
            body: Array("{}".utf8),
            contentType: "application/json"
        )
        #expect(json.status == 415)
        let crossSite = try await server.postForm(
            "/tickets/T-000006/ack",
            [("token", APIFixtures.opsSecret)],
            headers: [("Origin", "http://evil.example")]
        )
        #expect(crossSite.status == 403)
        #expect(crossSite.text.contains("own pages"))
        #expect(try await server.store.ticket(id: "T-000006")?.status == .open)
        try await server.stop()
    }

    @Test("signing in keeps a valid token in the cookie; a wrong one is refused; signing out clears it")
    func signInAndOut() async throws {
        let server = try await TestServer.start { $0.readAccess = .tokenRequired }
        let locked = try await server.get("/?lang=en")
        #expect(locked.status == 401)
        #expect(locked.text.contains(#"id="signin""#))
        let wrong = try await server.postForm("/signin", [("token", "nope"), ("next", "/"), ("lang", "en")])
        #expect(wrong.status == 401)
        let right = try await server.postForm(
            "/signin",
            [("token", APIFixtures.opsSecret), ("next", "//evil.example/"), ("lang", "en")]
        )
        #expect(right.status == 303)
        #expect(right.header("Location") == "/?lang=en")
        let cookie = String((right.header("Set-Cookie") ?? "").prefix { $0 != ";" })
        #expect(try await server.get("/?lang=en", headers: [("Cookie", cookie)]).status == 200)
        let out = try await server.postForm("/signout", [("lang", "en")], headers: [("Cookie", cookie)])
        #expect(out.status == 303)
        #expect(out.header("Set-Cookie")?.contains("Max-Age=0") == true)
        try await server.stop()
    }

    @Test("the report page shows the ledger for the chosen period")
    func reportPage() async throws {
        let server = try await TestServer.shared()
        let page = try await server.get("/report?lang=en&days=30")
        #expect(page.status == 200)
        #expect(page.text.contains(#"<tr class="total" data-site="*" data-team="*">"#))
        #expect(page.text.contains(#"data-site="zijing" data-team="security""#))
        #expect(page.text.contains(#"<option value="30" selected>"#))
    }

    @Test(
        "Accept-Language negotiation honours q-values and order",
        arguments: [
            (nil, nil, BoardLanguage.zh),
            ("en", "zh-CN", .en),
            ("ZH", nil, .zh),
            (nil, "en-GB", .en),
            (nil, "fr-FR, en;q=0.5, zh;q=0.6", .zh),
            (nil, "zh;q=0, en", .en),
            (nil, "de-DE", .zh),
            (nil, "en, zh", .en),
        ] as [(String?, String?, BoardLanguage)]
    )
    func negotiation(query: String?, header: String?, expected: BoardLanguage) {
        #expect(BoardLanguage.negotiate(query: query, acceptLanguage: header) == expected)
    }

    @Test("every board string exists in both languages")
    func stringsComplete() {
        #expect(Set(BoardStrings.chinese.keys) == Set(BoardStrings.english.keys))
        #expect(BoardStrings.duration(.seconds(3725), .zh) == "1小时02分")
        #expect(BoardStrings.duration(.seconds(3725), .en) == "1h 02m")
        #expect(BoardStrings.duration(.seconds(42), .en) == "42s")
        #expect(BoardStrings.duration(.seconds(90_000), .en) == "1d 01h")
    }

    /// The ticket ids of the board's cards, in page order.
    static func ticketIDs(in html: String) -> [String] {
        html.components(separatedBy: "<li class=\"card ").dropFirst().compactMap { card in
            guard let range = card.range(of: "data-ticket-id=\"") else { return nil }
            return String(card[range.upperBound...].prefix(8))
        }
    }
}
