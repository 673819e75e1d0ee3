import HTTPTypes
import Hummingbird
import LinliCore

/// Who may do what: reads per ``ReadAccess``, writes with a bearer token whose teams include the ticket's.
///
/// A token comes from `Authorization: Bearer …`, or, for the board, from its form or its `linli_token`
/// cookie, or, for Open311, from the `api_key` parameter. A token that is presented but not recognised is
/// always refused (401), even where none is needed, so a typo shows at once.
struct AccessControl: Sendable {
    /// Checks tokens.
    let authenticator: TokenAuthenticator
    /// The read policy.
    let readAccess: ReadAccess

    /// The bearer token of `request`'s `Authorization` header, if any.
    /// - Throws: 401 when the header is there but not `Bearer TOKEN`.
    static func bearerToken(of request: Request) throws(HTTPError) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
            throw unauthorized("the Authorization header must be 'Bearer TOKEN'")
        }
        return String(parts[1]).trimmed()
    }

    /// The token that `presented` names.
    /// - Throws: 401 when it names none.
    func authenticate(_ presented: String) throws(HTTPError) -> APIToken {
        guard let token = authenticator.authenticate(presented) else {
            throw Self.unauthorized("the token is not recognised")
        }
        return token
    }

    /// Checks that the client may read; returns its token when it gave one.
    /// - Throws: 401 for an unrecognised token, or for none where reads need one.
    func checkRead(presented: String?, isLoopbackClient: Bool) throws(HTTPError) -> APIToken? {
        if let presented { return try authenticate(presented) }
        switch readAccess {
        case .open: return nil
        case .loopbackOnly where isLoopbackClient: return nil
        case .loopbackOnly, .tokenRequired:
            throw Self.unauthorized("reading tickets needs a token here: send 'Authorization: Bearer TOKEN'")
        }
    }

    /// Whether a client with no token may read.
    func readsAreOpen(isLoopbackClient: Bool) -> Bool {
        switch readAccess {
        case .open: true
        case .loopbackOnly: isLoopbackClient
        case .tokenRequired: false
        }
    }

    /// Checks that the client may write; returns its token.
    /// - Throws: 401 without a token or with an unrecognised one.
    func checkWrite(presented: String?) throws(HTTPError) -> APIToken {
        guard let presented else {
            throw Self.unauthorized("changing a ticket needs a token: send 'Authorization: Bearer TOKEN'")
        }
        return try authenticate(presented)
    }

    /// Checks that `token` may act on `ticket`.
    /// - Throws: 403 naming the token's teams and the ticket's.
    static func checkTeam(_ token: APIToken, for ticket: Ticket) throws(HTTPError) {
        guard token.allows(team: ticket.team) else {
            throw HTTPError(
                .forbidden,
                message: "token '\(token.name)' may act for \(token.teamsDescription), not for team '\(ticket.team)' "
                    + "of ticket \(ticket.id)"
            )
        }
    }

    /// A 401 with `WWW-Authenticate: Bearer`.
    static func unauthorized(_ message: String) -> HTTPError {
        HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer realm=\"linli\""], message: message)
    }
}
