/// Settings of the HTTP server, with every default in ``init()``.
///
/// ```swift
/// var configuration = TicketAPIConfiguration()
/// configuration.port = 0                       // any free port (tests)
/// configuration.tokens = [try APIToken(configurationLine: line)]
/// ```
public struct TicketAPIConfiguration: Sendable {
    /// Address to bind; `127.0.0.1` by default, so nothing is exposed unless asked.
    public var host = "127.0.0.1"
    /// TCP port; 0 picks a free one (see ``TicketServer/onListening``).
    public var port = 8080
    /// Who may read without a token.
    public var readAccess = ReadAccess.loopbackOnly
    /// The accepted bearer tokens.
    public var tokens: [APIToken] = []
    /// Largest request body accepted (JSON or form), in bytes; larger ones get 413.
    public var maxBodySize = 16 * 1024
    /// Largest note or comment accepted, in characters; longer ones get 400.
    public var maxNoteLength = 2000
    /// Page size of `GET /api/v1/tickets` when `limit` is not given.
    public var defaultPageSize = 100
    /// Largest `limit` accepted.
    public var maxPageSize = 1000
    /// How often the board reloads itself, in seconds.
    public var boardRefreshSeconds = 30
    /// Most tickets the board shows on one page.
    public var boardLimit = 300
    /// How long the `linli_token` cookie set by the board lives, in seconds.
    public var cookieLifetimeSeconds = 8 * 3600

    /// Creates the defaults.
    public init() {}
}
