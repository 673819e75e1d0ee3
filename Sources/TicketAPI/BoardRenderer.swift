import Foundation
import HTTPTypes
import Hummingbird
import LinliCore
import Mustache

/// Renders the board's pages from the Mustache templates in `Resources/templates`, in Chinese or English.
///
/// Holds what every page needs: the templates, the site names and time zones (times are shown in the
/// site's local time), and the page settings. Values are escaped by Mustache; the only unescaped
/// insertion is the constant ``BoardScript``.
struct BoardRenderer: Sendable {
    /// A site's name and time zone, for display.
    struct SiteInfo: Sendable {
        var name: String
        var timeZone: TimeZone?
    }

    let library: MustacheLibrary
    let sites: [String: SiteInfo]
    let refreshSeconds: Int
    /// The wall clock.
    let now: @Sendable () -> EventTime

    /// Loads the templates shipped with the module.
    /// - Throws: when they are missing or do not parse (a packaging error: fail at start).
    init(registry: SiteRegistry, refreshSeconds: Int, now: @escaping @Sendable () -> EventTime) throws {
        guard let directory = Bundle.module.resourceURL?.appendingPathComponent("templates").path else {
            throw TicketServerError.resourcesMissing("templates/*.mustache")
        }
        var library = MustacheLibrary()
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".mustache") }
        for name in names {
            let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            try library.register(text, named: String(name.dropLast(".mustache".count)))
        }
        guard ["board", "ticket", "report", "error"].allSatisfy({ library.getTemplate(named: $0) != nil }) else {
            throw TicketServerError.resourcesMissing("templates/*.mustache")
        }
        self.library = library
        self.sites = registry.sites.mapValues { SiteInfo(name: $0.name, timeZone: TimeZone(identifier: $0.timeZone)) }
        self.refreshSeconds = refreshSeconds
        self.now = now
    }

    /// Renders `template` with `context` as an HTML response with the board's security headers.
    func page(_ template: String, _ context: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let html = library.render(context, withTemplate: template) ?? ""
        var response = Responses.html(html, status: status)
        response.headers[.contentSecurityPolicy] = BoardScript.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        return response
    }

    /// What every page's head and foot need.
    func baseContext(
        language: BoardLanguage,
        title: String,
        path: String,
        query: [(String, String)],
        now: EventTime,
        token: APIToken?,
        refresh: Bool
    ) -> [String: Any] {
        let strings = BoardStrings.table(language)
        let other: BoardLanguage = language == .zh ? .en : .zh
        var otherQuery = query.filter { $0.0 != "lang" && $0.0 != "done" }
        otherQuery.append(("lang", other.rawValue))
        return [
            "t": strings,
            "lang": language.rawValue,
            "lang_tag": language.htmlTag,
            "page_title": title,
            "other_language": other.htmlTag,
            "other_language_url": Self.url(path, otherQuery),
            "now_ms": String(now.milliseconds),
            "refresh": refresh ? String(refreshSeconds) : "0",
            "no_script_refresh": refresh,
            "refresh_note": refresh
                ? (strings["refreshes"] ?? "").replacingOccurrences(of: "%@", with: String(refreshSeconds)) : "",
            "units": language == .zh ? "天,小时,分,秒" : "d ,h ,m ,s",
            "generated_iso": RFC3339.format(now),
            "generated_local": localTime(now, site: nil, withDate: true),
            "signed_in": token != nil,
            "token_name": token?.name ?? "",
            "script": BoardScript.source,
            "nav_board": path == "/" || path.hasPrefix("/tickets/"),
            "nav_report": path == "/report",
        ]
    }

    /// An error page for the board (the API and Open311 have their own error bodies).
    func errorPage(status: HTTPResponse.Status, message: String, request: Request) -> Response {
        let language = Self.language(of: request)
        var context = baseContext(
            language: language,
            title: BoardStrings.table(language)["error_title"] ?? "",
            path: request.uri.path,
            query: QueryParameters(request).pairs.map { ($0.name, $0.value) },
            now: now(),
            token: nil,
            refresh: false
        )
        context["status"] = String(status.code)
        context["message"] = message
        if status == .unauthorized && request.method == .get {
            context["token_form"] = true
            context["next"] = request.uri.path
        }
        return page("error", context, status: status)
    }

    /// The request's language.
    static func language(of request: Request) -> BoardLanguage {
        BoardLanguage.negotiate(
            query: QueryParameters(request)["lang"],
            acceptLanguage: request.headers[.acceptLanguage]
        )
    }

    /// The site's display name (its id when unknown).
    func siteName(_ site: String) -> String {
        sites[site]?.name ?? site
    }

    /// `2026-11-27 14:05` (or `11-27 14:05` without the year) in the site's time zone; UTC when unknown
    /// (then with ` UTC`).
    func localTime(_ time: EventTime, site: String?, withDate: Bool = true) -> String {
        let zone = site.flatMap { sites[$0]?.timeZone } ?? sites.values.lazy.compactMap(\.timeZone).first
        let offset = zone?.secondsFromGMT(for: Date(timeIntervalSince1970: Double(time.milliseconds) / 1000)) ?? 0
        let text = RFC3339.format(time, offsetSeconds: offset)
        let date = text.prefix(10)
        let clock = text.dropFirst(11).prefix(5)
        let suffix = zone == nil ? " UTC" : ""
        return (withDate ? "\(date) \(clock)" : "\(date.dropFirst(5)) \(clock)") + suffix
    }

    /// `path?a=1&b=2`, values percent-encoded.
    static func url(_ path: String, _ query: [(String, String)]) -> String {
        guard !query.isEmpty else { return path }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let pairs = query.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }
        return path + "?" + pairs.joined(separator: "&")
    }
}
