/// Why the ticket server cannot start.
public enum TicketServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A file shipped with the module (a template, the OpenAPI document) is missing: a packaging error.
    case resourcesMissing(String)

    public var description: String {
        switch self {
        case .resourcesMissing(let what):
            "the ticket server's resource \(what) is missing: install the linli_TicketAPI.resources directory "
                + "next to the linli binary"
        }
    }
}
