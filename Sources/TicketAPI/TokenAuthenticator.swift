/// Checks presented bearer tokens against the configured ``APIToken`` hashes.
///
/// The presented token is hashed once and compared with every configured hash in full, byte by byte with
/// no early exit, so the time taken does not tell how much of a guess was right, nor which token matched.
public struct TokenAuthenticator: Sendable {
    /// The configured tokens.
    public let tokens: [APIToken]

    /// Creates an authenticator.
    /// - Throws: ``APITokenError/duplicateName(_:)`` when two tokens share a name.
    public init(tokens: [APIToken]) throws(APITokenError) {
        var names: Set<String> = []
        for token in tokens where !names.insert(token.name).inserted {
            throw .duplicateName(token.name)
        }
        self.tokens = tokens
    }

    /// The token whose hash matches `presented`, or `nil`.
    public func authenticate(_ presented: String) -> APIToken? {
        let hash = APIToken.hash(of: presented)
        var match: APIToken?
        for token in tokens where Self.constantTimeEqual(token.hash, hash) {
            match = token
        }
        return match
    }

    /// Whether two byte arrays of the same length are equal, looking at every byte whatever the result.
    static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices {
            difference |= left[index] ^ right[index]
        }
        return difference == 0
    }
}
