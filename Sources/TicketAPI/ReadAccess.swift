/// Who may read tickets (list, show, the board, Open311, the ledger) without a token.
///
/// Writes always need a token. The daemon's `http.read_requires_token` picks the policy: unset is
/// ``loopbackOnly``, `true` is ``tokenRequired``, `false` is ``open``.
public enum ReadAccess: String, Sendable, Hashable, CaseIterable {
    /// Anyone who can reach the server may read.
    case open
    /// Clients on the loopback interface (127.0.0.0/8, ::1) read freely; others need a token.
    case loopbackOnly
    /// Every read needs a valid token (of any team).
    case tokenRequired
}
